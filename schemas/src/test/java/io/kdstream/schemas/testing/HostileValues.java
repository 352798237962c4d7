package io.kdstream.schemas.testing;

import org.apache.avro.Schema;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Values no service should choke on, built from a good record of the topic ({@code good}, in the Confluent wire
 * format), a record of another schema ({@code foreign}) and the topic's schema: each kind a service must dead-letter
 * with its reason and then go on.
 */
public final class HostileValues {

    /** A hostile value and what kind it is (the dead letter's key names it). */
    public record Hostile(String kind, byte[] value) {
    }

    /** Avro's largest collection Java can hold: a record claiming it must be refused before anything is allocated. */
    static final long HUGE_LENGTH = Integer.MAX_VALUE - 8;
    /** Under the broker's default message limit (1 MiB), with room for the record's headers. */
    private static final int OVERSIZED_BYTES = 900 * 1024;

    private HostileValues() {
    }

    public static List<Hostile> of(byte[] good, byte[] foreign, Schema schema, long seed) {
        Random random = new Random(seed);
        int schemaId = ByteBuffer.wrap(good, 1, 4).getInt();
        List<Hostile> values = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] noise = new byte[1 + random.nextInt(64)];
            random.nextBytes(noise);
            values.add(new Hostile("random-bytes-" + i, noise));
        }
        values.add(new Hostile("truncated-avro", Arrays.copyOf(good, 5 + (good.length - 5) / 2)));
        values.add(new Hostile("unknown-schema-id", framed(999_999, Arrays.copyOfRange(good, 5, good.length))));
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        values.add(new Hostile("wrong-magic-byte", wrongMagic));
        values.add(new Hostile("other-schema", foreign));
        values.add(new Hostile("zero-length", new byte[0]));
        byte[] oversized = new byte[OVERSIZED_BYTES];
        random.nextBytes(oversized);
        values.add(new Hostile("oversized", framed(schemaId, oversized)));
        values.add(new Hostile("huge-length", framed(schemaId, hugeLengthBody(schema))));
        return values;
    }

    private static byte[] framed(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    /**
     * The schema's fields encoded with empty or zero values up to its first array or map (its first string, where it
     * has none), whose length is then written as {@link #HUGE_LENGTH}: a well-framed record that claims 2^31 - 9 items.
     */
    static byte[] hugeLengthBody(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean hasCollection = schema.toString().contains("\"array\"") || schema.toString().contains("\"map\"");
        if (!writeUntilCollection(schema, out, hasCollection)) {
            throw new IllegalArgumentException(schema.getFullName() + " has no field to give a length");
        }
        return out.toByteArray();
    }

    /** True once the huge length is written. */
    private static boolean writeUntilCollection(Schema schema, ByteArrayOutputStream out, boolean collectionsOnly) {
        switch (schema.getType()) {
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    if (writeUntilCollection(field.schema(), out, collectionsOnly)) {
                        return true;
                    }
                }
                return false;
            }
            case ARRAY, MAP -> {
                writeVarLong(out, HUGE_LENGTH);
                return true;
            }
            case STRING, BYTES -> {
                writeVarLong(out, collectionsOnly ? 0 : HUGE_LENGTH);
                return !collectionsOnly;
            }
            case UNION -> {
                int branch = schema.getTypes().size() - 1; // the non-null branch of ["null", T]
                writeVarLong(out, branch);
                return writeUntilCollection(schema.getTypes().get(branch), out, collectionsOnly);
            }
            case FLOAT -> out.writeBytes(new byte[4]);
            case DOUBLE -> out.writeBytes(new byte[8]);
            case FIXED -> out.writeBytes(new byte[schema.getFixedSize()]);
            case NULL -> {
            }
            default -> out.write(0); // int, long, boolean, enum: zero
        }
        return false;
    }

    /** Avro's zig-zag varint. */
    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }
}
