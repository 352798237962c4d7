package io.kdstream.teacher.cache;

import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the logit cache holds, per teacher, as compaction will leave it: the latest record of every key, with
 * pruned keys (tombstones) gone.
 */
public final class LogitCacheStats {

    /** One teacher's share of the cache. */
    public record TeacherShare(String teacher, long records, long bytes, long tokens, long topKEntries, long topKBytes) {

        TeacherShare plus(long recordBytes, long recordTokens, long entries, long entryBytes) {
            return new TeacherShare(teacher, records + 1, bytes + recordBytes, tokens + recordTokens, topKEntries + entries, topKBytes + entryBytes);
        }

        public double bytesPerToken() {
            return tokens == 0 ? 0 : (double) bytes / tokens;
        }

        /** Packed top-K bytes (ids and values) per entry, the cache-size target's measure. */
        public double bytesPerTopKEntry() {
            return topKEntries == 0 ? 0 : (double) topKBytes / topKEntries;
        }
    }

    private LogitCacheStats() {
    }

    private record Entry(String teacher, long bytes, long tokens, long entries, long entryBytes) {
    }

    public static Collection<TeacherShare> read(Map<String, Object> clientProperties, TopicCatalogue catalogue, Duration timeout) {
        Map<String, Entry> latest = new HashMap<>();
        var values = catalogue.teacherLogits().valueSerde().deserializer();
        for (ConsumerRecord<String, byte[]> record : TopicSnapshot.read(clientProperties, TopicCatalogue.TEACHER_LOGITS.name(),
                new StringDeserializer(), new ByteArrayDeserializer(), 0, timeout)) {
            if (record.value() == null) {
                latest.remove(record.key());
                continue;
            }
            TeacherLogits logits = values.deserialize(record.topic(), record.value());
            long entries = (long) logits.getPositions() * logits.getK();
            long entryBytes = logits.getTopkIds().remaining() + logits.getTopkValues().remaining();
            latest.put(record.key(), new Entry(logits.getTeacher().getFingerprint(), record.serializedValueSize(),
                    logits.getPositions(), entries, entryBytes));
        }
        Map<String, TeacherShare> byTeacher = new TreeMap<>();
        for (Entry entry : latest.values()) {
            byTeacher.computeIfAbsent(entry.teacher(), teacher -> new TeacherShare(teacher, 0, 0, 0, 0, 0));
            byTeacher.compute(entry.teacher(), (teacher, share) -> share.plus(entry.bytes(), entry.tokens(), entry.entries(), entry.entryBytes()));
        }
        return byTeacher.values();
    }
}
