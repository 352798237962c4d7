package io.kdstream.schemas.serde;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads, skips and checks Avro binary values in a byte array, by position. Skipping is what a summary reader needs: a
 * length-prefixed value is passed over by its length, and a run of ints or longs by finding the varints' last bytes,
 * without decoding them (Avro's decoder reads an array of ints item by item, most of what reading a logit record's
 * summary cost). Checking is what a deserializer needs before Avro builds anything: Avro allocates a string, bytes or
 * array by the length or count the record claims, so every claim is held against the bytes that are there, item by
 * item as a reader will take them (a block's byte size, which skipping trusts, proves nothing about its items).
 * Values running past the end are refused ({@link AvroRuntimeException}). Errors place a value by its byte within the
 * record, never within the array the record lies in: that is a fetch buffer whose layout changes from one read of the
 * record to the next, and an error's text is part of a dead letter's identity.
 */
public final class AvroBinaryCursor {

    private final byte[] bytes;
    private final int start;
    private final int end;
    private int position;

    public AvroBinaryCursor(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is outside " + bytes.length + " bytes");
        }
        this.bytes = bytes;
        this.start = offset;
        this.position = offset;
        this.end = offset + length;
    }

    public int readInt() {
        long value = readLong();
        if (value != (int) value) {
            throw new AvroRuntimeException("int out of range: " + value + " before byte " + here());
        }
        return (int) value;
    }

    /** A zig-zag varint of at most 10 bytes. */
    public long readLong() {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = next();
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new AvroRuntimeException("varint longer than 10 bytes before byte " + here());
    }

    public String readString() {
        int length = readLength();
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /**
     * A string that repeats record after record (a fingerprint): decoded when its bytes differ from the last ones seen
     * by {@code last}, else the last value again, so a replay does not build the same string for every record.
     */
    public String readRepeatingString(RepeatingString last) {
        int length = readLength();
        RepeatingString.Seen seen = last.seen;
        String value;
        if (Arrays.equals(bytes, position, position + length, seen.utf8(), 0, seen.utf8().length)) {
            value = seen.value();
        } else {
            value = new String(bytes, position, length, StandardCharsets.UTF_8);
            last.seen = new RepeatingString.Seen(Arrays.copyOfRange(bytes, position, position + length), value);
        }
        position += length;
        return value;
    }

    /** The last value of a repeating string field; safe to share between threads (what it holds is immutable). */
    public static final class RepeatingString {
        private record Seen(byte[] utf8, String value) {
        }

        private volatile Seen seen = new Seen(new byte[0], "");

        public RepeatingString() {
        }
    }

    /** Passes over one int, long or enum. */
    public void skipVarint() {
        skipVarints(1);
    }

    /** Passes over one string or bytes value. */
    public void skipLengthPrefixed() {
        skipBytes(readLength());
    }

    /** Passes over one value of {@code schema}, a block of array or map items by its byte size where it has one. */
    public void skip(Schema schema) {
        pass(schema, false);
    }

    /**
     * Passes over one value of {@code schema} as a reader takes it, item by item, refusing what a reader would fail on
     * after allocating by a claim: a length or item count beyond the bytes left (every item of kdstream's schemas takes
     * at least one byte), a block whose byte size disagrees with its items, an enum or union index out of range.
     */
    public void check(Schema schema) {
        pass(schema, true);
    }

    private void pass(Schema schema, boolean everyItem) {
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> skipBytes(1);
            case INT, LONG -> skipVarints(1);
            case ENUM -> {
                int symbol = readInt();
                if (everyItem && (symbol < 0 || symbol >= schema.getEnumSymbols().size())) {
                    throw new AvroRuntimeException("enum symbol " + symbol + " of " + schema.getEnumSymbols().size() + " before byte " + here());
                }
            }
            case FLOAT -> skipBytes(4);
            case DOUBLE -> skipBytes(8);
            case STRING, BYTES -> skipBytes(readLength());
            case FIXED -> skipBytes(schema.getFixedSize());
            case UNION -> {
                int branch = readInt();
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw new AvroRuntimeException("union branch " + branch + " of " + schema.getTypes().size() + " at byte " + here());
                }
                pass(schema.getTypes().get(branch), everyItem);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    pass(field.schema(), everyItem);
                }
            }
            case ARRAY -> passBlocks(schema.getElementType(), false, everyItem);
            case MAP -> passBlocks(schema.getValueType(), true, everyItem);
        }
    }

    /** Array and map items come in blocks: a count (negative: followed by the block's size in bytes), 0 ends them. */
    private void passBlocks(Schema item, boolean keyed, boolean everyItem) {
        boolean varintItems = !keyed && (item.getType() == Schema.Type.INT || item.getType() == Schema.Type.LONG);
        for (long count = readLong(); count != 0; count = readLong()) {
            long size = -1;
            if (count < 0) {
                size = readLong();
                if (size < 0 || size > end - position) {
                    throw new AvroRuntimeException("block of " + size + " bytes at byte " + here() + " runs past the end");
                }
                if (!everyItem) {
                    skipBytes((int) size);
                    continue;
                }
                count = -count;
            }
            if (everyItem && count > end - position) {
                throw new AvroRuntimeException("block of " + count + " items at byte " + here() + " runs past the end");
            }
            int blockStart = position;
            if (varintItems) {
                skipVarints(count);
            } else {
                for (long i = 0; i < count; i++) {
                    if (keyed) {
                        skipBytes(readLength());
                    }
                    pass(item, everyItem);
                }
            }
            if (size >= 0 && position - blockStart != size) {
                throw new AvroRuntimeException("block of " + count + " items claims " + size + " bytes but holds " + (position - blockStart)
                        + " before byte " + here());
            }
        }
    }

    /** Passes over {@code count} varints: each ends at a byte whose top bit is clear. */
    private void skipVarints(long count) {
        long left = count;
        int at = position;
        while (left > 0) {
            if (at >= end) {
                throw new AvroRuntimeException(left + " varints left at the end of the record" + ofLength());
            }
            if (bytes[at++] >= 0) {
                left--;
            }
        }
        position = at;
    }

    private void skipBytes(int length) {
        if (length > end - position) {
            throw new AvroRuntimeException(length + " bytes at byte " + here() + " run past the end");
        }
        position += length;
    }

    private int readLength() {
        long length = readLong();
        if (length < 0 || length > end - position) {
            throw new AvroRuntimeException("length " + length + " before byte " + here() + " runs past the end");
        }
        return (int) length;
    }

    /** Where the cursor is, counted from the record's first byte, with the record's length. */
    private String here() {
        return (position - start) + ofLength();
    }

    private String ofLength() {
        return " (the record has " + (end - start) + " bytes)";
    }

    private byte next() {
        if (position >= end) {
            throw new AvroRuntimeException("the record ends before byte " + here());
        }
        return bytes[position++];
    }
}
