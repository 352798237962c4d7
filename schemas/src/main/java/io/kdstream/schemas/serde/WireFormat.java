package io.kdstream.schemas.serde;

import io.kdstream.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then Avro binary. */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id in the header of an encoded record. */
    public static int schemaId(byte[] encoded) {
        if (encoded == null) {
            throw new IllegalArgumentException("not in the Confluent wire format: null");
        }
        return schemaId(encoded, 0, encoded.length);
    }

    private static int schemaId(byte[] bytes, int offset, int length) {
        if (length < HEADER_SIZE) {
            throw new IllegalArgumentException("not in the Confluent wire format: " + length + " bytes");
        }
        if (bytes[offset] != MAGIC_BYTE) {
            throw new IllegalArgumentException("not in the Confluent wire format: magic byte is " + bytes[offset] + ", expected 0");
        }
        return ((bytes[offset + 1] & 0xff) << 24) | ((bytes[offset + 2] & 0xff) << 16) | ((bytes[offset + 3] & 0xff) << 8)
                | (bytes[offset + 4] & 0xff);
    }

    /** Reads the Avro body of a record written with schema {@code schemaId}: {@code length} bytes from {@code offset}. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(int schemaId, byte[] bytes, int offset, int length) throws IOException;
    }

    /**
     * Reads a record in the wire format: its schema id from the header, then its body with {@code body}. Every failure
     * is a {@link SerializationException} naming the topic and, once known, the schema id.
     */
    public static <T> T read(String topic, byte[] encoded, BodyReader<T> body) {
        if (encoded == null) {
            throw new SerializationException("cannot read a record of topic " + topic + ": not in the Confluent wire format: null");
        }
        return read(topic, encoded, 0, encoded.length, body);
    }

    /** {@link #read(String, byte[], BodyReader)} of the buffer's remaining bytes, in place when it is backed by an array. */
    public static <T> T read(String topic, ByteBuffer encoded, BodyReader<T> body) {
        if (encoded.hasArray()) {
            return read(topic, encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining(), body);
        }
        byte[] copy = new byte[encoded.remaining()];
        encoded.duplicate().get(copy);
        return read(topic, copy, body);
    }

    private static <T> T read(String topic, byte[] encoded, int offset, int length, BodyReader<T> body) {
        int id;
        try {
            id = schemaId(encoded, offset, length);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("cannot read a record of topic " + topic + ": " + e.getMessage(), e);
        }
        try {
            return body.read(id, encoded, offset + HEADER_SIZE, length - HEADER_SIZE);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot read a record of topic " + topic + " written with schema id " + id + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode a record of topic " + topic + " (schema id " + id + "): " + e, e);
        }
    }
}
