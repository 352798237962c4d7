package io.kdstream.platform.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a whole topic from the beginning, without a consumer group: until it has caught up with the end offsets
 * and seen at least the wanted number of records, or the deadline passes. For reports, tools and tests.
 */
public final class TopicSnapshot {

    private TopicSnapshot() {
    }

    public static <K, V> List<ConsumerRecord<K, V>> read(String bootstrapServers, String topic, Deserializer<K> keys,
                                                         Deserializer<V> values, int atLeast, Duration timeout) {
        return read(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, keys, values, atLeast, timeout);
    }

    /** As {@link #read(String, String, Deserializer, Deserializer, int, Duration)}, with every client property (TLS, SASL). */
    public static <K, V> List<ConsumerRecord<K, V>> read(Map<String, Object> clientProperties, String topic, Deserializer<K> keys,
                                                         Deserializer<V> values, int atLeast, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "topic-snapshot-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= atLeast && caughtUp(consumer, partitions)) {
                    break;
                }
            }
        }
        return out;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
    }
}
