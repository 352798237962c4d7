package io.kdstream.evaluator.heldout;

import io.kdstream.evaluator.scoring.TaskJudge;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The held-out prompts of one dataset and split, read from {@code kd.prompts} itself: the topic is compacted and
 * keyed by content hash, so it is the set of every example ever produced. {@link #refresh()} reads what arrived
 * since the last call. Only prompts that can be judged (an expected answer, or code test cases) are kept.
 */
public final class HeldOutSet implements AutoCloseable {

    private final Topic<String, Prompt> topic;
    private final String dataset;
    private final Split split;
    private final TopicReader<byte[]> reader;
    private final TreeMap<String, Prompt> prompts = new TreeMap<>();

    public HeldOutSet(Map<String, Object> clientProperties, Topic<String, Prompt> topic, String dataset, Split split, String clientId) {
        this.topic = topic;
        this.dataset = dataset;
        this.split = split;
        this.reader = TopicReader.raw(clientProperties, topic.name(), clientId);
    }

    /** Reads up to the current end of the topic; records that cannot be decoded are not held-out examples. */
    public void refresh() {
        reader.readToEnd(this::keep);
    }

    private void keep(ConsumerRecord<byte[], byte[]> record) {
        Prompt prompt;
        try {
            prompt = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException undecodable) {
            if (RegistryUnavailableException.in(undecodable).isPresent()) {
                throw undecodable; // a good prompt, maybe: read again when the registry answers
            }
            return; // the producer dead-letters such records; an evaluator only reads good examples
        }
        if (prompt != null && prompt.getSplit() == split && prompt.getDataset().equals(dataset) && TaskJudge.isScorable(prompt)) {
            prompts.put(prompt.getId(), prompt);
        }
    }

    /** The first {@code limit} prompts in id order: the same examples for every checkpoint. */
    public List<Prompt> first(int limit) {
        return new ArrayList<>(prompts.values()).subList(0, Math.min(limit, prompts.size()));
    }

    @Override
    public void close() {
        reader.close();
    }
}
