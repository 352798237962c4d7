package io.kdstream.schemas.logits;

/**
 * A sequence's per-position teacher entries in some cache encoding, as {@link chunks.SequenceChunker} splits them:
 * a top-K in a {@link TopKEncoding} ({@link TopKEncoding#of}) or RS-KD's sampled tokens ({@link SampledSequence}).
 */
public interface EncodablePositions {

    /** Entries (slots) a position: the record's k. */
    int k();

    int positions();

    /** The top-K fields of positions {@code [firstPosition, firstPosition + positions)}. */
    EncodedTopK encode(int firstPosition, int positions);

    /** At most what {@link #encode} writes for any run of that many positions; it grows with the positions. */
    long bytes(int positions);
}
