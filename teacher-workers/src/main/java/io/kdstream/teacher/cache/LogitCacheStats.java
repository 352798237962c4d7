package io.kdstream.teacher.cache;

import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the logit cache holds, per teacher, as compaction will leave it: the latest record of every key, with
 * pruned keys (tombstones) gone, and which of those latest records cannot be read as logit records.
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

    /** A live record that is no readable logit record: its place and why, so an operator can prune or replace it. */
    public record UnreadableRecord(String key, int partition, long offset, String reason) {
    }

    /**
     * The cache's content by teacher, and the live records that could not be read (a bad value is counted and named,
     * and the rest is still summed: one bad record must not make the cache's statistics unreadable).
     */
    public record Snapshot(Collection<TeacherShare> shares, List<UnreadableRecord> unreadable) {
    }

    private LogitCacheStats() {
    }

    private record Entry(String teacher, long bytes, long tokens, long entries, long entryBytes) {
    }

    public static Snapshot read(Map<String, Object> clientProperties, TopicCatalogue catalogue, Duration timeout) {
        Map<String, Entry> latest = new HashMap<>();
        Map<String, UnreadableRecord> unreadable = new TreeMap<>();
        var values = catalogue.teacherLogits().valueSerde().deserializer();
        for (ConsumerRecord<String, byte[]> record : TopicSnapshot.read(clientProperties, TopicCatalogue.TEACHER_LOGITS.name(),
                new StringDeserializer(), new ByteArrayDeserializer(), 0, timeout)) {
            // the latest record of a key is what compaction keeps, readable or not
            latest.remove(record.key());
            unreadable.remove(record.key());
            if (record.value() == null) {
                continue;
            }
            TeacherLogits logits;
            try {
                logits = values.deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                RegistryUnavailableException.in(e).ifPresent(outage -> {
                    throw outage; // no verdict on the record: the command fails rather than call good records unreadable
                });
                unreadable.put(record.key(), new UnreadableRecord(record.key(), record.partition(), record.offset(), String.valueOf(e.getMessage())));
                continue;
            }
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
        return new Snapshot(byTeacher.values(), List.copyOf(unreadable.values()));
    }
}
