package io.kdstream.schemas.deadletter;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.registry.RegistryWait;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.schemas.topics.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedPlatformExtension.class)
class DeadLettersTest {

    private static final ConsumerRecord<byte[], byte[]> FIRST = record(0, 10);
    private static final ConsumerRecord<byte[], byte[]> SECOND = record(1, 10);

    @Test
    void shouldSendARecordOncePerReasonAcrossInstancesWhenRemembering(EmbeddedPlatform platform) throws Exception {
        Map<String, Object> client = Map.of("bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl());
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.DEAD_LETTER));
        TopicCatalogue catalogue = new TopicCatalogue(client);
        String service = "dead-letters-test-" + UUID.randomUUID();

        try (DeadLetters plain = new DeadLetters(service, client, catalogue.deadLetter())) {
            plain.publish(FIRST, new IllegalArgumentException("bad ids"));
            plain.publish(FIRST, new IllegalArgumentException("bad ids")); // a plain instance sends every time
        }
        try (DeadLetters replay = DeadLetters.remembering(service, client, catalogue.deadLetter(), new RegistryWait(service, catalogue.registry()))) {
            replay.publish(FIRST, new IllegalArgumentException("bad ids"));       // sent before: not again
            replay.publish(FIRST, new IllegalArgumentException("too few ids"));   // another reason: sent
            replay.publish(SECOND, new IllegalArgumentException("bad ids"));      // another record: sent
            replay.publish(SECOND, new IllegalArgumentException("bad ids"));      // sent by this instance: not again
            // another chunk of a chunked sequence, sent under the sequence's offset: other bytes, so sent
            replay.publish(SECOND, new byte[] {4, 5}, new IllegalArgumentException("bad ids"));
        }
        try (DeadLetters restarted = DeadLetters.remembering("other-" + service, client, catalogue.deadLetter(), new RegistryWait(service, catalogue.registry()))) {
            restarted.publish(SECOND, new IllegalArgumentException("bad ids"));   // another service's letters count not
        }

        assertThat(letters(client, catalogue, service)).containsExactly(
                "0@10 bad ids", "0@10 bad ids", "0@10 too few ids", "1@10 bad ids", "1@10 bad ids");
        assertThat(letters(client, catalogue, "other-" + service)).containsExactly("1@10 bad ids");
    }

    private static List<String> letters(Map<String, Object> client, TopicCatalogue catalogue, String service) {
        List<String> found = new ArrayList<>();
        var deserializer = catalogue.deadLetter().valueSerde().deserializer();
        try (TopicReader<byte[]> reader = TopicReader.raw(client, TopicCatalogue.DEAD_LETTER.name(), "dead-letters-test")) {
            reader.readToEnd(record -> {
                DeadLetter letter = deserializer.deserialize(record.topic(), record.value());
                if (letter.getService().equals(service)) {
                    found.add(letter.getSourcePartition() + "@" + letter.getSourceOffset() + " " + letter.getErrorMessage());
                }
            });
        }
        return found;
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset) {
        return new ConsumerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), partition, offset, "key".getBytes(StandardCharsets.UTF_8),
                new byte[] {1, 2, 3});
    }
}
