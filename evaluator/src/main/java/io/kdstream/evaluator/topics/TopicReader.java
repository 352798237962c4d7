package io.kdstream.evaluator.topics;

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
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    public TopicReader(Map<String, Object> clientProperties, String topic, String clientId) {
        this.consumer = KafkaClients.rawConsumer(clientProperties, null, clientId);
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        rewind();
    }

    public void rewind() {
        consumer.seekToBeginning(partitions);
    }

    public void readToEnd(Consumer<ConsumerRecord<byte[], byte[]>> handler) {
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
