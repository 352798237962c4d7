package io.kdstream.trainer.cache;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One sequence as the local cache keeps it: the topic's record values exactly as they arrived (one a chunk, in chunk
 * order), so that a cache rebuilt from the topic holds the same bytes as the one built online. No values means the
 * prompt's cache entry was deleted (a tombstone on the topic).
 *
 * @param promptId the prompt the teacher's logits belong to
 * @param partition the topic partition the (last) record came from
 * @param offset the offset of the record that completed the sequence
 * @param tokens the sequence's token count (what a batch's token budget counts)
 * @param values the record values, serialized as on the topic: each buffer's remaining bytes. They may be views of a
 *     consumer's fetched bytes (a replay files them without copying); read them through {@code duplicate()}
 */
public record CachedSequence(String promptId, int partition, long offset, int tokens, List<ByteBuffer> values) {

    public CachedSequence {
        ByteBuffer[] own = new ByteBuffer[values.size()];
        for (int i = 0; i < own.length; i++) {
            own[i] = values.get(i).slice(); // a position of its own: reading cannot move the caller's
        }
        values = List.of(own);
    }

    public static CachedSequence tombstone(String promptId, int partition, long offset) {
        return new CachedSequence(promptId, partition, offset, 0, List.of());
    }

    public boolean isTombstone() {
        return values.isEmpty();
    }

    /** The teacher's logits for the sequence, decoded from the stored record values. */
    public SequenceLogits decode(Deserializer<TeacherLogits> deserializer, String topic) {
        if (isTombstone()) {
            throw new IllegalStateException("prompt " + promptId + " was deleted from the cache: no logits to decode");
        }
        List<TeacherLogits> records = new ArrayList<>(values.size());
        for (ByteBuffer value : values) {
            records.add(deserializer.deserialize(topic, null, value.duplicate()));
        }
        return SequenceLogits.decode(records);
    }

    /** A copy of a value's bytes, for what must own them (a dead letter). */
    public static byte[] bytes(ByteBuffer value) {
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return bytes;
    }
}
