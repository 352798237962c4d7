package io.kdstream.trainer.cache;

import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.logits.LogitRecordSummary;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.logits.chunks.ChunkKeys;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what each logit cache record means for the trainer's local cache: a TRAIN-split sequence of its teacher
 * and tokenizer is appended (chunked sequences once their last chunk arrives), a tombstone deletes the prompt,
 * another teacher's record is skipped and counted, a held-out record is counted, and a record the trainer can never
 * use (malformed, another tokenizer, fewer top-K entries than it trains with) goes to the dead-letter topic with the
 * reason. Every record, used or not, moves the cache's position past it.
 *
 * <p>Replaying a topic should run at the consumer's pace, so records are filed from their key and a
 * {@link LogitRecordSummary} (the logits are skipped, not decoded) and stored as they came; the trainer decodes a
 * sequence's logits when it trains on it. Chunks are the exception: they are decoded in full, by the
 * {@link ChunkAssembler}, which checks that they fit together.
 */
public final class CacheIngest {

    private static final Logger log = LoggerFactory.getLogger(CacheIngest.class);

    private final DiskLogitCache cache;
    private final Deserializer<LogitRecordSummary> summaries;
    private final Deserializer<TeacherLogits> deserializer;
    private final String tokenizerFingerprint;
    private final int trainingTopK;
    private final DeadLetters deadLetters;
    private final ChunkAssembler chunks = new ChunkAssembler();
    /**
     * Raw values of chunks still being assembled: by sequence key, then computation (in arrival order), by chunk index.
     * Copies, not views: a view would keep a whole fetch of the consumer's in memory until the sequence completes.
     */
    private final Map<String, LinkedHashMap<Long, ByteBuffer[]>> pendingValues = new HashMap<>();
    /** {@code "<teacher>/"} in UTF-8, how this cache's teacher's keys begin; null until the teacher is known. */
    private byte[] teacherKeyPrefix;
    private long otherTeacherRecords;
    private long heldOutRecords;
    private long deadLettered;

    public CacheIngest(DiskLogitCache cache, Deserializer<LogitRecordSummary> summaries, Deserializer<TeacherLogits> deserializer,
                       String tokenizerFingerprint, int trainingTopK, DeadLetters deadLetters) {
        this.cache = cache;
        this.summaries = summaries;
        this.deserializer = deserializer;
        this.tokenizerFingerprint = tokenizerFingerprint;
        this.trainingTopK = trainingTopK;
        this.deadLetters = deadLetters;
    }

    /** Files a record; its value may be a view of the consumer's fetched bytes ({@link CachedSequence} keeps it as such). */
    public void accept(ConsumerRecord<byte[], ByteBuffer> record) {
        if (isOfThisTeacher(record)) {
            if (record.value() == null) {
                fileTombstone(record);
            } else {
                appendIfUsable(record);
            }
        } else if (record.value() != null) {
            otherTeacherRecords++;
        }
        cache.advance(record.partition(), record.offset() + 1);
    }

    /**
     * Whether the record's key is the cache's teacher's; with no teacher configured, the first keyed record with a
     * value names it. Keys are compared as bytes, not decoded: a replay reads every record of the topic.
     */
    private boolean isOfThisTeacher(ConsumerRecord<byte[], ByteBuffer> record) {
        byte[] key = record.key();
        if (key == null) {
            return false;
        }
        if (teacherKeyPrefix == null) {
            String teacher = TopicCatalogue.teacherOfLogitsKey(new String(key, StandardCharsets.UTF_8));
            if (cache.teacherFingerprint() == null) {
                if (record.value() == null || teacher.isEmpty()) {
                    return false;
                }
                cache.pinTeacher(teacher);
                log.info("no teacher configured (kdstream.trainer.teacher.fingerprint); training on the first one seen, {}", teacher);
            }
            teacherKeyPrefix = TopicCatalogue.teacherLogitsKey(cache.teacherFingerprint(), "").getBytes(StandardCharsets.UTF_8);
        }
        return Arrays.equals(key, 0, Math.min(key.length, teacherKeyPrefix.length), teacherKeyPrefix, 0, teacherKeyPrefix.length);
    }

    private void fileTombstone(ConsumerRecord<byte[], ByteBuffer> record) {
        String key = new String(record.key(), StandardCharsets.UTF_8);
        String prompt = TopicCatalogue.promptOfLogitsKey(key);
        if (key.equals(TopicCatalogue.teacherLogitsKey(cache.teacherFingerprint(), prompt))) { // chunks' own tombstones go with it
            cache.append(CachedSequence.tombstone(prompt, record.partition(), record.offset()));
        }
    }

    private void appendIfUsable(ConsumerRecord<byte[], ByteBuffer> record) {
        try {
            LogitRecordSummary summary = summaries.deserialize(record.topic(), record.headers(), record.value());
            if (summary.split() != Split.TRAIN) {
                heldOutRecords++;
                return;
            }
            if (!summary.tokenizerFingerprint().equals(tokenizerFingerprint)) {
                throw new IllegalArgumentException("record of prompt " + summary.promptId() + " was made with tokenizer "
                        + summary.tokenizerFingerprint() + "; this student uses " + tokenizerFingerprint);
            }
            if (summary.k() < trainingTopK) {
                throw new IllegalArgumentException("record of prompt " + summary.promptId() + " stores the teacher's top-"
                        + summary.k() + ", fewer than the K this run trains with (kdstream.trainer.topk=" + trainingTopK + ")");
            }
            if (summary.positions() < 1) {
                throw new IllegalArgumentException("record of prompt " + summary.promptId() + " has " + summary.positions()
                        + " positions: nothing to train on");
            }
            if (summary.chunkCount() == 1) {
                cache.append(new CachedSequence(summary.promptId(), record.partition(), record.offset(), summary.positions() + 1,
                        List.of(record.value())));
                return;
            }
            TeacherLogits logits = deserializer.deserialize(record.topic(), record.headers(), record.value());
            List<ByteBuffer> values = collectValues(logits, record.value());
            Optional<SequenceLogits> assembled = chunks.accept(logits);
            if (assembled.isPresent()) {
                cache.append(new CachedSequence(summary.promptId(), record.partition(), record.offset(),
                        assembled.get().tokens().length, values));
            }
        } catch (RuntimeException e) {
            deadLettered++;
            deadLetters.publish(record, CachedSequence.bytes(record.value()), e);
        }
    }

    /**
     * The raw values of the record's computation once this record completes it (null before). Mirrors the
     * assembler: a completed computation's sequence forgets the computations that began before it.
     */
    private List<ByteBuffer> collectValues(TeacherLogits logits, ByteBuffer value) {
        String sequence = ChunkKeys.sequenceKeyOf(logits);
        LinkedHashMap<Long, ByteBuffer[]> computations = pendingValues.computeIfAbsent(sequence, key -> new LinkedHashMap<>());
        ByteBuffer[] values = computations.computeIfAbsent(logits.getComputationId(), id -> new ByteBuffer[logits.getChunkCount()]);
        if (logits.getChunkIndex() < values.length) {
            values[logits.getChunkIndex()] = ByteBuffer.wrap(CachedSequence.bytes(value));
        }
        for (ByteBuffer chunk : values) {
            if (chunk == null) {
                return null;
            }
        }
        Iterator<Long> started = computations.keySet().iterator();
        while (started.hasNext() && started.next() != logits.getComputationId()) {
            started.remove();
        }
        started.remove();
        if (computations.isEmpty()) {
            pendingValues.remove(sequence);
        }
        return new ArrayList<>(List.of(values));
    }

    public long otherTeacherRecords() {
        return otherTeacherRecords;
    }

    public long heldOutRecords() {
        return heldOutRecords;
    }

    public long deadLettered() {
        return deadLettered;
    }
}
