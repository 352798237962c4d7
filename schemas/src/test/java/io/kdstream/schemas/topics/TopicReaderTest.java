package io.kdstream.schemas.topics;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPlatformExtension.class)
class TopicReaderTest {

    @Test
    void shouldReadEveryPartitionToItsEndAndGoOnFromThereOrFromTheBeginning(EmbeddedPlatform platform) throws Exception {
        Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        String topic = "topic-reader-" + UUID.randomUUID();
        TopicAdmin.ensureTopics(client, List.of(new TopicSpec(topic, 3, Map.of())));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer());
             TopicReader<byte[]> reader = TopicReader.raw(client, topic, "topic-reader-test")) {
            send(producer, topic, 0, 5);
            List<String> read = new ArrayList<>();

            assertThat(reader.readToEnd(record -> read.add(value(record)))).isEqualTo(5);
            assertThat(read).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4");
            assertThat(reader.readToEnd(record -> read.add(value(record)))).isZero();

            send(producer, topic, 5, 2);
            assertThat(reader.readToEnd(record -> read.add(value(record)))).isEqualTo(2);
            assertThat(read).hasSize(7).contains("v5", "v6");

            reader.rewind();
            assertThat(reader.readToEnd(record -> { })).isEqualTo(7);
        }
    }

    @Test
    void shouldStayAtTheRecordItsHandlerFailedOn(EmbeddedPlatform platform) throws Exception {
        Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        String topic = "topic-reader-" + UUID.randomUUID();
        TopicAdmin.ensureTopics(client, List.of(new TopicSpec(topic, 1, Map.of())));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer());
             TopicReader<byte[]> reader = TopicReader.raw(client, topic, "topic-reader-test")) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
            List<String> read = new ArrayList<>();
            // a handler that cannot handle v2 yet (the registry away, say): the reader stays there
            assertThatThrownBy(() -> reader.readToEnd(record -> {
                if (value(record).equals("v2")) {
                    throw new IllegalStateException("not now");
                }
                read.add(value(record));
            })).hasMessage("not now");
            assertThat(reader.readToEnd(record -> read.add(value(record)))).isEqualTo(2);
            assertThat(read).containsExactly("v0", "v1", "v2", "v3");
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int first, int count) throws Exception {
        for (int i = first; i < first + count; i++) {
            producer.send(new ProducerRecord<>(topic, i % 3, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
