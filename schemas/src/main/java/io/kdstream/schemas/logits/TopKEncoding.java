package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.ValueEncoding;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/** How a teacher worker writes top-K entries (setting {@code kdstream.teacher.encoding}). */
public enum TopKEncoding {

    /**
     * The default: {@code BITPACKED_LE} ids at ceil(log2 V) bits and {@code TOP_OFFSET_U8} values, no log-sum-exp:
     * {@code (ceil(log2 V) + 8) / 8} bytes an entry (1.875 for V = 100, 2.875 for 32k, 3.125 for 128k), within 1e-3
     * nats of the exact distribution.
     */
    PACKED {
        @Override
        public EncodedTopK encode(TopKSequence topK, int firstPosition, int positions) {
            int k = topK.k();
            return new EncodedTopK(IdEncoding.BITPACKED_LE, BitPackedIds.bitsFor(topK.vocabularySize()),
                    BitPackedIds.pack(topK.ids(), firstPosition * k, positions * k, topK.vocabularySize()),
                    ValueEncoding.TOP_OFFSET_U8, TopOffsetValues.encode(k, topK.values(), topK.logSumExp(), firstPosition, positions), null);
        }

        @Override
        public long bytes(TopKSequence topK, int positions) {
            long entries = (long) positions * topK.k();
            return BitPackedIds.bytesFor(entries, BitPackedIds.bitsFor(topK.vocabularySize())) + entries;
        }
    },

    /**
     * For real vocabularies: ids in {@code FREQUENCY_CLASSES} (or {@code BITPACKED_LE} where that is smaller, as for
     * ids that never repeat) and {@code TOP_OFFSET_RICE} values, the values of {@code PACKED} entropy-coded, so the
     * same KL bound. Its size depends on the teacher's output: see BENCHMARKS.md ({@code bench codec}).
     */
    COMPACT {
        @Override
        public EncodedTopK encode(TopKSequence topK, int firstPosition, int positions) {
            int k = topK.k();
            int bits = BitPackedIds.bitsFor(topK.vocabularySize());
            ByteBuffer values = RiceOffsetValues.encode(k, topK.values(), topK.logSumExp(), firstPosition, positions);
            int packedBytes = BitPackedIds.bytesFor((long) positions * k, bits);
            ByteBuffer classed = FrequencyClassIds.encode(topK.ids(), firstPosition * k, positions * k, topK.vocabularySize(), packedBytes);
            return classed == null
                    ? new EncodedTopK(IdEncoding.BITPACKED_LE, bits, BitPackedIds.pack(topK.ids(), firstPosition * k, positions * k, topK.vocabularySize()),
                    ValueEncoding.TOP_OFFSET_RICE, values, null)
                    : new EncodedTopK(IdEncoding.FREQUENCY_CLASSES, bits, classed, ValueEncoding.TOP_OFFSET_RICE, values, null);
        }

        /** An upper bound: the ids never take more than bit-packed ones, the values at most 9 bits a difference. */
        @Override
        public long bytes(TopKSequence topK, int positions) {
            long entries = (long) positions * topK.k();
            return BitPackedIds.bytesFor(entries, BitPackedIds.bitsFor(topK.vocabularySize())) + RiceOffsetValues.maxBytes(topK.k(), positions);
        }
    },

    /** Lossless: 2- or 4-byte ids, float32 values and log-sum-exps, as every reader of the first schema understands. */
    FLOAT32 {
        @Override
        public EncodedTopK encode(TopKSequence topK, int firstPosition, int positions) {
            int k = topK.k();
            DescendingValues.require("topkValues", topK.values(), k, firstPosition, positions);
            IdEncoding ids = TopKCodec.idEncodingFor(topK.vocabularySize());
            return new EncodedTopK(ids, 0, TopKCodec.encodeIds(topK.ids(), firstPosition * k, positions * k, ids),
                    ValueEncoding.FLOAT32_LE, TopKCodec.encodeFloats(topK.values(), firstPosition * k, positions * k, ValueEncoding.FLOAT32_LE),
                    topK.logSumExp() == null ? null : TopKCodec.encodeFloats(topK.logSumExp(), firstPosition, positions, ValueEncoding.FLOAT32_LE));
        }

        @Override
        public long bytes(TopKSequence topK, int positions) {
            long entries = (long) positions * topK.k();
            long logSumExps = topK.logSumExp() == null ? 0 : (long) positions * Float.BYTES;
            return entries * (TopKCodec.idWidth(TopKCodec.idEncodingFor(topK.vocabularySize())) + Float.BYTES) + logSumExps;
        }
    };

    /** The top-K fields of positions {@code [firstPosition, firstPosition + positions)}. */
    public abstract EncodedTopK encode(TopKSequence topK, int firstPosition, int positions);

    /**
     * What {@link #encode} writes for that many positions (ids, values and log-sum-exps): exactly for the
     * fixed-width encodings, at most for the entropy-coded one; it grows with the positions.
     */
    public abstract long bytes(TopKSequence topK, int positions);

    /** {@code topK} in this encoding, for the chunker. */
    public EncodablePositions of(TopKSequence topK) {
        TopKEncoding encoding = this;
        return new EncodablePositions() {
            @Override
            public int k() {
                return topK.k();
            }

            @Override
            public int positions() {
                return topK.positions();
            }

            @Override
            public EncodedTopK encode(int firstPosition, int positions) {
                return encoding.encode(topK, firstPosition, positions);
            }

            @Override
            public long bytes(int positions) {
                return encoding.bytes(topK, positions);
            }
        };
    }

    /** The encoding a setting names, case-insensitively: {@code packed}, {@code compact} or {@code float32}. */
    public static TopKEncoding named(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown top-K encoding '" + name + "'; expected one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT), e);
        }
    }
}
