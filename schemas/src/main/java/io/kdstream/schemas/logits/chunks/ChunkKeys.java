package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.LogitsKey;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Keys and partitions of logit-cache records. A whole sequence and chunk 0 of a chunked one are keyed
 * {@code <teacher>/<prompt>}; chunk i ≥ 1 is keyed {@code <teacher>/<prompt>/<i>}. So compaction keeps one record per
 * chunk, and a recomputed sequence always replaces the record at {@code <teacher>/<prompt>}: an older computation can
 * never stay whole beside the newer one. Chunks an older computation had beyond the newer one's count stay in the
 * topic, but carry another {@code computationId}, so readers never combine them (see {@link ChunkCollector}).
 *
 * <p>Every chunk goes to the partition Kafka's default partitioner gives {@code <teacher>/<prompt>} (murmur2 of its
 * UTF-8 bytes), so one consumer sees all the chunks of a sequence, in the order they were written.
 */
public final class ChunkKeys {

    private ChunkKeys() {
    }

    public static String keyOf(TeacherLogits record) {
        String sequenceKey = sequenceKeyOf(record);
        return record.getChunkIndex() == 0 ? sequenceKey : sequenceKey + "/" + record.getChunkIndex();
    }

    public static String sequenceKeyOf(TeacherLogits record) {
        return LogitsKey.of(record.getTeacher().getFingerprint(), record.getPromptId());
    }

    /** The partition of the record's sequence among the topic's {@code partitions}: send every chunk there. */
    public static int partitionOf(TeacherLogits record, int partitions) {
        return Utils.toPositive(Utils.murmur2(sequenceKeyOf(record).getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
