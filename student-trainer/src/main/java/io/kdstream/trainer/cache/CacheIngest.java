package io.kdstream.trainer.cache;

import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.logits.LogitRecordSummary;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.chunks.ChunkCollector;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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
 * sequence's logits when it trains on it. Chunks too: a {@link ChunkCollector} holds their bytes until their
 * computation is complete, and the sequence is filed as its chunks' records; that they fit together is checked when
 * the trainer decodes them, as for every record. A record whose schema cannot be fetched because the registry is away
 * is not filed, and not dead-lettered: the error goes to the caller, which reads it again later.
 */
public final class CacheIngest {

    private static final Logger log = LoggerFactory.getLogger(CacheIngest.class);

    private final DiskLogitCache cache;
    private final Deserializer<LogitRecordSummary> summaries;
    private final String tokenizerFingerprint;
    private final int minimumEntries;
    private final DeadLetters deadLetters;
    private final ChunkCollector<Chunk> chunks = new ChunkCollector<>();
    /** {@code "<teacher>/"} in UTF-8, how this cache's teacher's keys begin; null until the teacher is known. */
    private byte[] teacherKeyPrefix;
    private long otherTeacherRecords;
    private long heldOutRecords;
    private long deadLettered;

    public CacheIngest(DiskLogitCache cache, Deserializer<LogitRecordSummary> summaries, String tokenizerFingerprint,
                       int minimumEntries, DeadLetters deadLetters) {
        this.cache = cache;
        this.summaries = summaries;
        this.tokenizerFingerprint = tokenizerFingerprint;
        this.minimumEntries = minimumEntries;
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
            String teacher = LogitsKey.teacherOf(new String(key, StandardCharsets.UTF_8));
            if (cache.teacherFingerprint() == null) {
                if (record.value() == null || teacher.isEmpty()) {
                    return false;
                }
                cache.pinTeacher(teacher);
                log.info("no teacher configured (kdstream.trainer.teacher.fingerprint); training on the first one seen, {}", teacher);
            }
            teacherKeyPrefix = LogitsKey.of(cache.teacherFingerprint(), "").getBytes(StandardCharsets.UTF_8);
        }
        return Arrays.equals(key, 0, Math.min(key.length, teacherKeyPrefix.length), teacherKeyPrefix, 0, teacherKeyPrefix.length);
    }

    private void fileTombstone(ConsumerRecord<byte[], ByteBuffer> record) {
        String key = new String(record.key(), StandardCharsets.UTF_8);
        String prompt = LogitsKey.promptOf(key);
        if (key.equals(LogitsKey.of(cache.teacherFingerprint(), prompt))) { // chunks' own tombstones go with it
            cache.append(CachedSequence.tombstone(prompt, record.partition(), record.offset()));
        }
    }

    /**
     * The cache files a sequence by the prompt id inside it: a record keyed as one prompt but holding another's logits
     * would silently replace that other prompt's sequence, so it is refused.
     */
    private static void checkKey(byte[] key, LogitRecordSummary summary) {
        String sequenceKey = LogitsKey.of(summary.teacherFingerprint(), summary.promptId());
        String expected = summary.chunkIndex() == 0 ? sequenceKey : sequenceKey + "/" + summary.chunkIndex();
        if (!Arrays.equals(key, expected.getBytes(StandardCharsets.UTF_8))) {
            throw new IllegalArgumentException("record keyed " + new String(key, StandardCharsets.UTF_8) + " holds chunk " + summary.chunkIndex()
                    + " of prompt " + summary.promptId() + " of teacher " + summary.teacherFingerprint() + ", whose key is " + expected);
        }
    }

    private void appendIfUsable(ConsumerRecord<byte[], ByteBuffer> record) {
        try {
            LogitRecordSummary summary = summaries.deserialize(record.topic(), record.headers(), record.value());
            checkKey(record.key(), summary);
            if (summary.split() != Split.TRAIN) {
                heldOutRecords++;
                return;
            }
            if (!summary.tokenizerFingerprint().equals(tokenizerFingerprint)) {
                throw new IllegalArgumentException("record of prompt " + summary.promptId() + " was made with tokenizer "
                        + summary.tokenizerFingerprint() + "; this student uses " + tokenizerFingerprint);
            }
            if (summary.k() < minimumEntries) {
                throw new IllegalArgumentException("record of prompt " + summary.promptId() + " stores the teacher's top-"
                        + summary.k() + ", fewer than the K this run trains with (kdstream.trainer.topk=" + minimumEntries + ")");
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
            // a copy, not a view: a view would keep a whole fetch of the consumer's in memory until the sequence completes
            Chunk chunk = new Chunk(ByteBuffer.wrap(CachedSequence.bytes(record.value())), summary.positions());
            Optional<List<Chunk>> complete = chunks.accept(LogitsKey.of(summary.teacherFingerprint(), summary.promptId()),
                    summary.promptId(), summary.computationId(), summary.chunkIndex(), summary.chunkCount(), chunk);
            if (complete.isPresent()) {
                // consecutive chunks share a token: chunk i's last is chunk i+1's first
                int tokens = 1 + complete.get().stream().mapToInt(Chunk::positions).sum();
                cache.append(new CachedSequence(summary.promptId(), record.partition(), record.offset(), tokens,
                        complete.get().stream().map(Chunk::value).toList()));
            }
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.in(e).isPresent()) {
                throw e; // not the record's fault: it is read again when the registry answers (CacheFeed)
            }
            deadLetters.publish(record, CachedSequence.bytes(record.value()), e);
            deadLettered++;
        }
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

    /** A chunk's record as it came, and its positions. */
    private record Chunk(ByteBuffer value, int positions) {
    }
}
