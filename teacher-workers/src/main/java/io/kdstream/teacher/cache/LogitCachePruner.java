package io.kdstream.teacher.cache;

import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Removes one teacher from the logit cache: a tombstone for each of its live keys, after which compaction deletes
 * the records, and routers forget the prompts (so a later request for that teacher recomputes them).
 */
public final class LogitCachePruner {

    private LogitCachePruner() {
    }

    /** @return how many keys were tombstoned */
    public static int prune(Map<String, Object> clientProperties, String teacherFingerprint, Duration timeout) {
        Set<String> live = new LinkedHashSet<>();
        for (ConsumerRecord<String, byte[]> record : TopicSnapshot.read(clientProperties, TopicCatalogue.TEACHER_LOGITS.name(),
                new StringDeserializer(), new ByteArrayDeserializer(), 0, timeout)) {
            if (record.key() == null || !LogitsKey.teacherOf(record.key()).equals(teacherFingerprint)) {
                continue;
            }
            if (record.value() == null) {
                live.remove(record.key());
            } else {
                live.add(record.key());
            }
        }
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> sends = new ArrayList<>(live.size());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (String key : live) {
                sends.add(producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), key, null)));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pruning teacher " + teacherFingerprint, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker refused a tombstone while pruning teacher " + teacherFingerprint
                    + ": " + e.getCause().getMessage() + " (run prune again: it is idempotent)", e.getCause());
        }
        return live.size();
    }
}
