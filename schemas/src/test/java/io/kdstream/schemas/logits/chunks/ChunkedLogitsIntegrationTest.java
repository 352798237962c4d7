package io.kdstream.schemas.logits.chunks;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker with a small {@code max.message.bytes} takes every chunk, and a reader gets every sequence back. */
@ExtendWith(EmbeddedPlatformExtension.class)
class ChunkedLogitsIntegrationTest {

    private static final int MAX_MESSAGE_BYTES = 16_384;
    private static final int PARTITIONS = 3;

    @Test
    void shouldStoreSequencesLargerThanTheTopicsLimitAsChunksAndReassembleThem(EmbeddedPlatform platform) throws Exception {
        TopicSpec spec = new TopicSpec("chunks.logits", PARTITIONS, Map.of("cleanup.policy", "compact",
                "max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES)));
        Map<String, Object> client = Settings.of(Map.of("bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl())).clientProperties();
        TopicAdmin.ensureTopics(client, List.of(spec));
        Topic<String, TeacherLogits> topic = new Topic<>(spec, new TopicCatalogue(client).teacherLogits().keySerde(),
                new TopicCatalogue(client).teacherLogits().valueSerde());
        List<LogitChunks> sequences = List.of(LogitChunks.random("lossless", 64, 128_000, 300, 1),
                LogitChunks.random("packed", 100, 128_000, 300, 2), LogitChunks.random("small", 8, 100, 20, 3));
        Map<String, TopKEncoding> encodings = Map.of("lossless", TopKEncoding.FLOAT32, "packed", TopKEncoding.PACKED, "small", TopKEncoding.PACKED);
        List<TeacherLogits> sent = new ArrayList<>();
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, topic, "chunks-test")) {
            for (LogitChunks sequence : sequences) {
                for (TeacherLogits chunk : sequence.split(encodings.get(sequence.promptId()), MAX_MESSAGE_BYTES, 1)) {
                    producer.send(new ProducerRecord<>(spec.name(), ChunkKeys.partitionOf(chunk, PARTITIONS), ChunkKeys.keyOf(chunk), chunk)).get();
                    sent.add(chunk);
                }
            }
        }

        List<ConsumerRecord<String, TeacherLogits>> read = TopicSnapshot.read(platform.bootstrapServers(), spec.name(),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer(), sent.size(), Duration.ofSeconds(30));

        assertThat(sent).extracting(TeacherLogits::getPromptId).filteredOn("lossless"::equals).hasSizeGreaterThan(10);
        assertThat(read).hasSameSizeAs(sent);
        Map<String, List<Integer>> partitionsByPrompt = read.stream().collect(Collectors.groupingBy(r -> r.value().getPromptId(),
                Collectors.mapping(ConsumerRecord::partition, Collectors.toList())));
        assertThat(partitionsByPrompt.values()).allSatisfy(partitions -> assertThat(partitions).containsOnly(partitions.get(0)));
        ChunkAssembler assembler = new ChunkAssembler();
        List<SequenceLogits> assembled = read.stream().map(r -> assembler.accept(r.value())).flatMap(Optional::stream).toList();
        assertThat(assembled).hasSize(sequences.size());
        for (LogitChunks sequence : sequences) {
            SequenceLogits got = assembled.stream().filter(s -> s.promptId().equals(sequence.promptId())).findFirst().orElseThrow();
            LogitChunks.assertSameSequence(got, sequence.expected(encodings.get(sequence.promptId())));
        }
    }
}
