package io.kdstream.schemas.topics;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads every partition of a topic, without a consumer group, from the beginning up to its current end; each
 * {@link #readToEnd} call goes on from where the last one stopped.
 *
 * @param <V> the values, as the consumer's value deserializer gives them
 */
public final class TopicReader<V> implements AutoCloseable {

    private final KafkaConsumer<byte[], V> consumer;
    private final List<TopicPartition> partitions;

    /** A reader of the topic's raw bytes (see {@link KafkaClients#rawConsumer}). */
    public static TopicReader<byte[]> raw(Map<String, Object> clientProperties, String topic, String clientId) {
        return new TopicReader<>(KafkaClients.rawConsumer(clientProperties, null, clientId), topic);
    }

    /** A reader with {@code consumer}, which it assigns every partition of {@code topic} and closes when closed. */
    public TopicReader(KafkaConsumer<byte[], V> consumer, String topic) {
        this.consumer = consumer;
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        rewind();
    }

    public void rewind() {
        consumer.seekToBeginning(partitions);
    }

    /** Records between the reader's position and the topic's current end (for a progress bar; compaction may leave fewer). */
    public long recordsToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        return partitions.stream().mapToLong(tp -> ends.get(tp) - consumer.position(tp)).sum();
    }

    /**
     * Hands every record up to the topic's current end to {@code handler}; returns how many there were. When the
     * handler fails, the reader stays at the record it failed on (the next call starts there) and the error is thrown.
     */
    public long readToEnd(Consumer<ConsumerRecord<byte[], V>> handler) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long read = 0;
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            ConsumerRecords<byte[], V> polled = consumer.poll(Duration.ofMillis(200));
            Map<TopicPartition, Long> handled = new HashMap<>();
            try {
                for (ConsumerRecord<byte[], V> record : polled) {
                    handler.accept(record);
                    handled.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    read++;
                }
            } catch (RuntimeException e) {
                for (TopicPartition partition : polled.partitions()) {
                    consumer.seek(partition, handled.getOrDefault(partition, polled.records(partition).get(0).offset()));
                }
                throw e;
            }
        }
        return read;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
