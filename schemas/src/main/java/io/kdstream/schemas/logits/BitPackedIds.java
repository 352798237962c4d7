package io.kdstream.schemas.logits;

import java.nio.ByteBuffer;

/**
 * Token ids at a fixed number of bits each (the {@code BITPACKED_LE} id encoding): id i occupies bits
 * {@code i*bits .. i*bits+bits-1} of the byte string read as one little-endian number, and the last byte is padded
 * with zero bits. A vocabulary of V ids needs {@code ceil(log2 V)} bits: 7 for 100, 15 for 32k, 17 for 128k.
 */
public final class BitPackedIds {

    /** Ids are non-negative Java ints. */
    public static final int MAX_BITS = 31;

    private BitPackedIds() {
    }

    public static int bitsFor(int vocabularySize) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("vocabulary size must be at least 1, got " + vocabularySize);
        }
        return Math.max(1, Integer.SIZE - Integer.numberOfLeadingZeros(vocabularySize - 1));
    }

    public static int bytesFor(long count, int bits) {
        long bytes = (count * bits + 7) >>> 3;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " ids of " + bits + " bits do not fit one byte array");
        }
        return (int) bytes;
    }

    /** Packs {@code ids[from .. from+count)}, each of which must lie in {@code [0, vocabularySize)}. */
    public static ByteBuffer pack(int[] ids, int from, int count, int vocabularySize) {
        int bits = bitsFor(vocabularySize);
        byte[] out = new byte[bytesFor(count, bits)];
        long pending = 0;
        int pendingBits = 0;
        int written = 0;
        for (int i = from; i < from + count; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocabularySize) {
                throw new IllegalArgumentException("topkIds: token id " + id + " at entry " + i + " is outside the vocabulary of " + vocabularySize);
            }
            pending |= (long) id << pendingBits;
            pendingBits += bits;
            while (pendingBits >= Byte.SIZE) {
                out[written++] = (byte) pending;
                pending >>>= Byte.SIZE;
                pendingBits -= Byte.SIZE;
            }
        }
        if (pendingBits > 0) {
            out[written] = (byte) pending;
        }
        return ByteBuffer.wrap(out);
    }

    /** Unpacks {@code count} ids of {@code bits} bits into {@code into[offset ..]}; the bytes must be exactly as many as they need. */
    public static void unpack(ByteBuffer bytes, int bits, int count, int[] into, int offset) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("idBits is " + bits + "; BITPACKED_LE ids need 1 to " + MAX_BITS);
        }
        int length = bytesFor(count, bits);
        if (bytes.remaining() != length) {
            throw new IllegalArgumentException("topkIds holds " + bytes.remaining() + " bytes, expected " + length
                    + " for " + count + " ids of " + bits + " bits");
        }
        ByteView view = ByteView.of(bytes, length);
        byte[] array = view.array();
        int start = view.start();
        long mask = (1L << bits) - 1;
        // ids whose 8-byte window ends inside the buffer are read in one go; the last few byte by byte
        int wholeWindows = length < Long.BYTES ? 0 : (int) Math.min(count, (((long) (length - Long.BYTES) << 3) / bits) + 1);
        for (int i = 0; i < wholeWindows; i++) {
            long bit = (long) i * bits;
            // 8 bytes at once: one read covers any id (shift up to 7 plus up to 31 bits)
            long window = (long) LittleEndian.LONG.get(array, start + (int) (bit >>> 3));
            into[offset + i] = (int) ((window >>> (bit & 7)) & mask);
        }
        for (int i = wholeWindows; i < count; i++) {
            long bit = (long) i * bits;
            int at = (int) (bit >>> 3);
            long window = 0;
            for (int b = 0; b < Long.BYTES && at + b < length; b++) {
                window |= (array[start + at + b] & 0xffL) << (Byte.SIZE * b);
            }
            into[offset + i] = (int) ((window >>> (bit & 7)) & mask);
        }
    }
}
