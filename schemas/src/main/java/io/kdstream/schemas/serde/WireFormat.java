package io.kdstream.schemas.serde;

/** Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then Avro binary. */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id in the header of an encoded record. */
    public static int schemaId(byte[] encoded) {
        if (encoded == null || encoded.length < HEADER_SIZE) {
            throw new IllegalArgumentException("not in the Confluent wire format: " + (encoded == null ? "null" : encoded.length + " bytes"));
        }
        if (encoded[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException("not in the Confluent wire format: magic byte is " + encoded[0] + ", expected 0");
        }
        return ((encoded[1] & 0xff) << 24) | ((encoded[2] & 0xff) << 16) | ((encoded[3] & 0xff) << 8) | (encoded[4] & 0xff);
    }
}
