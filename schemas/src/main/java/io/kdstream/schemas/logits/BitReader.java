package io.kdstream.schemas.logits;

import java.nio.ByteBuffer;

/**
 * Reads what {@link BitWriter} wrote; every read that runs past the end, and a string not ending where its last
 * field ends, fails naming the field. Bits come from a 64-bit buffer refilled 32 bits at a time.
 */
final class BitReader {

    private final String field;
    private final byte[] array;
    private final int start;
    private final int length;
    /** The next byte of the array to load into the buffer, relative to {@code start}. */
    private int next;
    private long buffer;
    private int buffered;

    BitReader(ByteBuffer bytes, String field) {
        this.field = field;
        this.length = bytes.remaining();
        ByteView view = ByteView.of(bytes, length);
        this.array = view.array();
        this.start = view.start();
    }

    /** {@code bits} bits, 0 to 32. */
    int bits(int bits) {
        if (buffered < bits) {
            refill();
            if (buffered < bits) {
                throw truncated();
            }
        }
        int value = (int) (buffer & ((1L << bits) - 1));
        buffer >>>= bits;
        buffered -= bits;
        return value;
    }

    int bit() {
        return bits(1);
    }

    /** The next {@code bits} bits (at most 32) without consuming them; bits past the end read as zero. */
    int peek(int bits) {
        if (buffered < bits) {
            refill();
        }
        return (int) (buffer & ((1L << bits) - 1));
    }

    /** Consumes {@code bits} bits that {@link #peek} showed to exist. */
    void skip(int bits) {
        if (buffered < bits) {
            throw truncated();
        }
        buffer >>>= bits;
        buffered -= bits;
    }

    /** A Golomb-Rice code of parameter k; a run of zeros longer than {@code maxQuotient} is corrupt. */
    int rice(int k, int maxQuotient) {
        int quotient = 0;
        while (true) {
            if (buffered < 32) {
                refill();
            }
            if (buffer != 0) {
                int zeros = Long.numberOfTrailingZeros(buffer);
                quotient += zeros;
                buffer = buffer >>> zeros >>> 1; // zeros may be 63: a single shift by 64 would shift nothing
                buffered -= zeros + 1;
                break;
            }
            if (buffered == 0) {
                throw truncated();
            }
            quotient += buffered;
            buffered = 0;
            if (quotient > maxQuotient) {
                break;
            }
        }
        if (quotient > maxQuotient) {
            throw new IllegalArgumentException(field + " holds a Rice code longer than any valid one (" + quotient + " zero bits)");
        }
        long value = ((long) quotient << k) | bits(k);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " holds a Rice code beyond any valid value");
        }
        return (int) value;
    }

    /** What {@link BitWriter#gamma} wrote. */
    int gamma() {
        int extra = rice(0, 31);
        long value = (1L << extra) + bits(extra) - 1;
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " holds a count beyond any valid one");
        }
        return (int) value;
    }

    /** Fails unless everything was read but the zero padding of the last byte. */
    void requireEnd() {
        refill();
        if (buffered >= Byte.SIZE || buffer != 0) {
            throw new IllegalArgumentException(field + " holds " + length + " bytes, more than its content");
        }
    }

    /** Tops the buffer up to at least 32 bits while bytes remain. */
    private void refill() {
        if (next + Integer.BYTES <= length && buffered <= 32) {
            buffer |= ((long) (int) LittleEndian.INT.get(array, start + next) & 0xffffffffL) << buffered;
            next += Integer.BYTES;
            buffered += 32;
            return;
        }
        while (buffered <= 56 && next < length) {
            buffer |= (array[start + next++] & 0xffL) << buffered;
            buffered += Byte.SIZE;
        }
    }

    private IllegalArgumentException truncated() {
        return new IllegalArgumentException(field + " is truncated: " + length + " bytes end inside its content");
    }
}
