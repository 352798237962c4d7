package io.kdstream.evaluator.heldout;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The held-out prompts of one dataset and split, read from {@code kd.prompts} itself: the topic is compacted and
 * keyed by content hash, so it is the set of every example ever produced. {@link #refresh()} reads what arrived
 * since the last call.
 */
public final class HeldOutSet implements AutoCloseable {

    private final Topic<String, Prompt> topic;
    private final String dataset;
    private final Split split;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final TreeMap<String, Prompt> prompts = new TreeMap<>();

    public HeldOutSet(Map<String, Object> clientProperties, Topic<String, Prompt> topic, String dataset, Split split, String clientId) {
        this.topic = topic;
        this.dataset = dataset;
        this.split = split;
        this.consumer = KafkaClients.rawConsumer(clientProperties, null, clientId);
        this.partitions = consumer.partitionsFor(topic.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads up to the current end of the topic; records that cannot be decoded are not held-out examples. */
    public void refresh() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Prompt prompt;
                try {
                    prompt = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
                } catch (RuntimeException undecodable) {
                    continue; // the producer dead-letters such records; an evaluator only reads good examples
                }
                if (prompt != null && prompt.getSplit() == split && prompt.getDataset().equals(dataset)
                        && prompt.getExpectedAnswer() != null) {
                    prompts.put(prompt.getId(), prompt);
                }
            }
        }
    }

    /** The first {@code limit} prompts in id order: the same examples for every checkpoint. */
    public List<Prompt> first(int limit) {
        return new ArrayList<>(prompts.values()).subList(0, Math.min(limit, prompts.size()));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
