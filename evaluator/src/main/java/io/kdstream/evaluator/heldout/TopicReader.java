package io.kdstream.evaluator.heldout;

import io.kdstream.schemas.topics.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads every partition of a compacted topic, without a consumer group, from the beginning up to its current end;
 * each {@link #readToEnd} call goes on from where the last one stopped.
 */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    TopicReader(Map<String, Object> clientProperties, String topic, String clientId) {
        this.consumer = KafkaClients.rawConsumer(clientProperties, null, clientId);
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        rewind();
    }

    void rewind() {
        consumer.seekToBeginning(partitions);
    }

    void readToEnd(Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            consumer.poll(Duration.ofMillis(200)).forEach(handler);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
