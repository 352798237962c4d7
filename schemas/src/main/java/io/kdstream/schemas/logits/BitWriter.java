package io.kdstream.schemas.logits;

/**
 * Writes a bit string least significant bit first, as {@link BitReader} reads it: bit i of the string is bit
 * {@code i % 8} of byte {@code i / 8}, and the last byte is padded with zero bits. The caller sizes it from the exact
 * bit count it computed before writing (whole 32-bit words then fit); bits leave a 64-bit buffer 32 at a time.
 */
final class BitWriter {

    private final byte[] out;
    private final int length;
    private int written;
    private long pending;
    private int pendingBits;

    BitWriter(long bits) {
        length = BitPackedIds.bytesFor(bits, 1);
        out = new byte[length];
    }

    /** The low {@code bits} bits of {@code value}, 0 to 32 of them. */
    void bits(long value, int bits) {
        pending |= (value & ((1L << bits) - 1)) << pendingBits;
        pendingBits += bits;
        if (pendingBits >= Integer.SIZE) {
            LittleEndian.INT.set(out, written, (int) pending);
            written += Integer.BYTES;
            pending >>>= Integer.SIZE;
            pendingBits -= Integer.SIZE;
        }
    }

    /** Golomb-Rice code of a non-negative value: {@code value >> k} zero bits, a one bit, then the low k bits. */
    void rice(int value, int k) {
        int zeros = value >>> k;
        if (zeros + 1 + k <= Integer.SIZE) { // the usual case: one write
            bits(1L << zeros | (value & ((1L << k) - 1)) << (zeros + 1), zeros + 1 + k);
            return;
        }
        for (; zeros > 31; zeros -= 31) {
            bits(0, 31);
        }
        bits(1L << zeros, zeros + 1);
        bits(value, k);
    }

    /** Rice code length, for sizing before writing. */
    static long riceBits(int value, int k) {
        return (value >>> k) + 1L + k;
    }

    /** Elias gamma code of {@code value + 1}: for small counts whose size is unknown in advance. */
    void gamma(int value) {
        long shifted = value + 1L;
        int extra = 63 - Long.numberOfLeadingZeros(shifted);
        bits(1L << extra, extra + 1);
        bits(shifted, extra);
    }

    static long gammaBits(int value) {
        return 2L * (63 - Long.numberOfLeadingZeros(value + 1L)) + 1;
    }

    byte[] finish() {
        while (pendingBits > 0) {
            out[written++] = (byte) pending;
            pending >>>= Byte.SIZE;
            pendingBits -= Byte.SIZE;
        }
        if (written != length) {
            throw new IllegalStateException("wrote " + written + " bytes where " + length + " were computed");
        }
        return out;
    }
}
