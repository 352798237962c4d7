package io.kdstream.evaluator.heldout;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The teacher's cached logits for the prompts being evaluated, read from the logit cache ({@code kd.teacher.logits}).
 * Only records of those prompts are decoded (the key names the prompt), so the training data's logits cost no
 * decoding and no memory. When the evaluated prompts change, the cache is read again from its beginning for them.
 * Sequences split into chunk records are reassembled before they are compared.
 */
public final class TeacherReference implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TeacherReference.class);

    private final Topic<String, TeacherLogits> topic;
    private final TopicReader<byte[]> reader;
    private final Map<String, SequenceLogits> byKey = new HashMap<>();
    private ChunkAssembler chunks = new ChunkAssembler();
    private Set<String> promptIds = Set.of();

    public TeacherReference(Map<String, Object> clientProperties, Topic<String, TeacherLogits> topic, String clientId) {
        this.topic = topic;
        this.reader = TopicReader.raw(clientProperties, topic.name(), clientId);
    }

    /** Reads the cache up to its current end for these prompts. */
    public void refresh(Set<String> wanted) {
        if (!promptIds.containsAll(wanted)) {
            promptIds = new HashSet<>(wanted);
            byKey.clear();
            chunks = new ChunkAssembler();
            reader.rewind();
        }
        reader.readToEnd(this::keep);
    }

    /** The teacher's logits of the prompt, or null when the cache holds none usable. */
    public SequenceLogits find(String teacherFingerprint, String promptId) {
        return byKey.get(LogitsKey.of(teacherFingerprint, promptId));
    }

    private void keep(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        String promptId = LogitsKey.promptOf(key);
        if (!promptIds.contains(promptId)) {
            return; // another prompt's logits
        }
        String sequenceKey = LogitsKey.of(LogitsKey.teacherOf(key), promptId);
        if (record.value() == null) {
            if (key.equals(sequenceKey)) {
                byKey.remove(sequenceKey); // pruned from the cache
            }
            return;
        }
        try {
            chunks.accept(topic.valueSerde().deserializer().deserialize(record.topic(), record.value()))
                    .ifPresent(sequence -> byKey.put(sequenceKey, sequence));
        } catch (RuntimeException unusable) {
            if (RegistryUnavailableException.in(unusable).isPresent()) {
                throw unusable; // comparable, maybe: read again when the registry answers
            }
            // the teacher comparison skips it; the record itself stays in the cache for whoever owns it
            log.warn("teacher logits {} at {}-{}@{} are not comparable: {}", key, record.topic(), record.partition(), record.offset(), unusable.getMessage());
            byKey.remove(sequenceKey);
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
