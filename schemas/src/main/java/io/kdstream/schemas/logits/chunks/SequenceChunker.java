package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.EncodablePositions;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns a sequence into TeacherLogits records none of which exceeds a byte limit (the topic's
 * {@code max.message.bytes}, or the producer's {@code max.request.size} if smaller): one record when it fits, else
 * chunks of consecutive positions, as equal as possible. Each chunk is a valid record on its own: it carries its
 * positions' tokens (and the token after the last), loss mask and top-K, and the computation id they share.
 */
public final class SequenceChunker {

    /**
     * Room kept under the limit for what Kafka adds around a value: the batch header (61 bytes), the record's own
     * header and its key. A further 64th of the limit is kept for compression framing, for packed bytes that do not
     * compress.
     */
    private static final int KAFKA_FRAMING_BYTES = 512;
    private static final int COMPRESSION_SLACK_DIVISOR = 64;
    /** The Confluent wire-format header: magic byte and schema id. */
    private static final int WIRE_HEADER_BYTES = 5;
    private static final int MAX_INT_VARINT_BYTES = 5;
    /** Varints that grow beyond the empty template's: 4 byte-string lengths, the token count and 4 ints. */
    private static final int VARINT_GROWTH_BYTES = 9 * MAX_INT_VARINT_BYTES;

    /** How {@link #split(TeacherLogits.Builder, int[], float[], TopKSequence)} encodes a top-K; null for a chunker of other entries. */
    private final TopKEncoding encoding;
    private final int maxRecordBytes;

    /** A chunker of top-Ks in {@code encoding}. */
    public SequenceChunker(TopKEncoding encoding, int maxRecordBytes) {
        this(maxRecordBytes, Objects.requireNonNull(encoding, "encoding"));
    }

    /** A chunker of entries that encode themselves ({@link EncodablePositions}), such as RS-KD's sampled tokens. */
    public SequenceChunker(int maxRecordBytes) {
        this(maxRecordBytes, null);
    }

    private SequenceChunker(int maxRecordBytes, TopKEncoding encoding) {
        if (maxRecordBytes <= KAFKA_FRAMING_BYTES) {
            throw new IllegalArgumentException("a record limit of " + maxRecordBytes + " bytes leaves no room for logits");
        }
        this.encoding = encoding;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * @param header  every field but the per-chunk ones: identity, k, value kind, temperature, computation id, times
     * @param tokens  the whole sequence
     * @param lossMask one value a position ({@code tokens.length - 1})
     */
    public List<TeacherLogits> split(TeacherLogits.Builder header, int[] tokens, float[] lossMask, TopKSequence topK) {
        if (encoding == null) {
            throw new IllegalStateException("this chunker was made without a top-K encoding");
        }
        return split(header, tokens, lossMask, encoding.of(topK));
    }

    /** As {@link #split(TeacherLogits.Builder, int[], float[], TopKSequence)}, for entries that encode themselves. */
    public List<TeacherLogits> split(TeacherLogits.Builder header, int[] tokens, float[] lossMask, EncodablePositions topK) {
        int positions = tokens.length - 1;
        if (topK.positions() != positions || lossMask.length != positions || topK.k() != header.getK()) {
            throw new IllegalArgumentException("prompt " + header.getPromptId() + ": " + tokens.length + " tokens, " + lossMask.length
                    + " mask values, " + topK.positions() + " top-K positions of " + topK.k() + " (header k " + header.getK() + ") do not match");
        }
        int perChunk = positionsPerRecord(header, tokens, topK);
        int chunkCount = Math.max(1, (positions + perChunk - 1) / perChunk);
        int chunkPositions = (positions + chunkCount - 1) / chunkCount;
        List<TeacherLogits> chunks = new ArrayList<>(chunkCount);
        for (int index = 0; index < chunkCount; index++) {
            int first = index * chunkPositions;
            int count = Math.min(chunkPositions, positions - first);
            TeacherLogits.Builder chunk = TeacherLogits.newBuilder(header)
                    .setTokenIds(Arrays.stream(tokens, first, first + count + 1).boxed().toList())
                    .setLossMask(SequenceLogits.encodeMask(lossMask, first, count))
                    .setFirstPosition(first)
                    .setPositions(count)
                    .setChunkIndex(index)
                    .setChunkCount(chunkCount);
            chunks.add(topK.encode(first, count).applyTo(chunk).build());
        }
        return chunks;
    }

    /** The most positions one record can hold: the bound below grows with the count, so a binary search finds it. */
    private int positionsPerRecord(TeacherLogits.Builder header, int[] tokens, EncodablePositions topK) {
        int positions = tokens.length - 1;
        long fixed = WIRE_HEADER_BYTES + VARINT_GROWTH_BYTES + AvroSize.of(emptyRecord(header, topK));
        int tokenBytes = Arrays.stream(tokens).map(SequenceChunker::varintBytes).max().orElse(1);
        long budget = maxRecordBytes - KAFKA_FRAMING_BYTES - maxRecordBytes / COMPRESSION_SLACK_DIVISOR;
        int low = 0;
        int high = positions;
        while (low < high) {
            int middle = (int) (((long) low + high + 1) / 2);
            long bytes = fixed + (long) (middle + 1) * tokenBytes + middle + topK.bytes(middle);
            if (bytes <= budget) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        if (low == 0 && positions > 0) {
            throw new IllegalArgumentException("prompt " + header.getPromptId() + ": one position of " + topK.k() + " entries does not fit a "
                    + maxRecordBytes + "-byte record (" + fixed + " bytes of fixed fields)");
        }
        return Math.max(low, 1);
    }

    /** The header with no positions: what a record costs before its tokens, mask and top-K. */
    private TeacherLogits emptyRecord(TeacherLogits.Builder header, EncodablePositions topK) {
        TeacherLogits.Builder empty = TeacherLogits.newBuilder(header).setTokenIds(List.of()).setLossMask(ByteBuffer.allocate(0)).setPositions(0);
        return topK.encode(0, 0).applyTo(empty).build();
    }

    /** Avro writes an int zig-zag encoded, 7 bits a byte. */
    private static int varintBytes(int value) {
        int zigZag = (value << 1) ^ (value >> 31);
        return zigZag == 0 ? 1 : Math.min(MAX_INT_VARINT_BYTES, (Integer.SIZE - Integer.numberOfLeadingZeros(zigZag) + 6) / 7);
    }
}
