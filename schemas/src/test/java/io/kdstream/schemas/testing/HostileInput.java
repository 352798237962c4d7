package io.kdstream.schemas.testing;

import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.testing.HostileValues.Hostile;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One topic's hostile-input check: sends {@link HostileValues} keyed {@code prefix + kind}, then a good record keyed
 * {@code prefix + "good"}; then expects one dead letter per hostile value, from the service, with its reason, the
 * good record processed and the service alive. Prints a row for RELIABILITY.md
 * ({@code hostile-input | topic | service | sent | dead-lettered | ...}) and one line per letter with its reason.
 */
public final class HostileInput {

    private static final long SEED = 19;

    private final Map<String, Object> client;
    private final String topic;
    private final String prefix;
    private final List<Hostile> hostile;

    private HostileInput(Map<String, Object> client, String topic, String prefix, List<Hostile> hostile) {
        this.client = client;
        this.topic = topic;
        this.prefix = prefix;
        this.hostile = hostile;
    }

    /** @param good a good value of the topic in the wire format, {@code schema} its record */
    public static HostileInput send(Map<String, Object> client, String topic, String prefix, byte[] good, Schema schema) throws Exception {
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        DeadLetter other = DeadLetters.ofKafkaRecord("a-producer", topic, 0, 0L, null, new byte[] {1}, new IllegalStateException("a record of another schema"));
        byte[] foreign = catalogue.deadLetter().valueSerde().serializer().serialize(TopicCatalogue.DEAD_LETTER.name(), other);
        List<Hostile> hostile = HostileValues.of(good, foreign, schema, SEED);
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Hostile value : hostile) {
                raw.send(new ProducerRecord<>(topic, utf8(prefix + value.kind()), value.value())).get();
            }
            raw.send(new ProducerRecord<>(topic, utf8(prefix + "good"), good)).get();
        }
        return new HostileInput(client, topic, prefix, hostile);
    }

    /**
     * @param service       the dead letters' service name starts with it
     * @param alive         whether the service still runs
     * @param goodProcessed whether the good record sent last has been processed
     */
    public void assertDeadLetteredAndGoodProcessed(String service, BooleanSupplier alive, BooleanSupplier goodProcessed) {
        TopicCatalogue catalogue = new TopicCatalogue(client);
        // the letters' fields, not the records: a failure message must not print the oversized value
        List<Letter> letters = await().atMost(Duration.ofSeconds(90)).until(() -> TopicSnapshot.read(client, TopicCatalogue.DEAD_LETTER.name(),
                                catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 0, Duration.ofSeconds(5))
                        .stream().filter(r -> r.key() != null).map(Letter::of).filter(letter -> letter.key().startsWith(prefix)).toList(),
                own -> own.size() >= hostile.size());
        await().atMost(Duration.ofSeconds(60)).until(goodProcessed::getAsBoolean);
        System.out.printf("hostile-input | %s | %s | sent %d | dead-lettered %d | good record processed | service alive %s%n",
                topic, service, hostile.size(), letters.size(), alive.getAsBoolean());
        letters.forEach(letter -> System.out.printf("hostile-input | %s | %s | %s%n", topic, letter.key(), letter.reason()));

        assertThat(alive.getAsBoolean()).as(service + " still running").isTrue();
        assertThat(letters).extracting(Letter::key).containsExactlyInAnyOrderElementsOf(hostile.stream().map(h -> prefix + h.kind()).toList());
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.service()).startsWith(service);
            assertThat(letter.sourceTopic()).isEqualTo(topic);
            assertThat(letter.reason()).isNotBlank();
        });
    }

    private record Letter(String key, String service, String sourceTopic, String reason) {
        static Letter of(ConsumerRecord<byte[], DeadLetter> record) {
            DeadLetter letter = record.value();
            return new Letter(new String(record.key(), StandardCharsets.UTF_8), letter.getService(), letter.getSourceTopic(), letter.getErrorMessage());
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
