package io.kdstream.trainer.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * How an entry sits in a shard file: a frame of {@code int32 payload length, int32 CRC-32C of the payload, payload},
 * big-endian. The payload: prompt id (modified UTF-8), partition, offset, token count, number of values (0 for a
 * tombstone), then each value as {@code int32 length, bytes}.
 */
final class EntryFrames {

    static final int HEADER_BYTES = 8;
    /** No real entry comes near this; a larger length is a torn or overwritten header. */
    static final int MAX_PAYLOAD_BYTES = 256 << 20;

    private EntryFrames() {
    }

    static byte[] frame(CachedSequence sequence) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(0); // payload length and checksum, filled in below
            out.writeInt(0);
            out.writeUTF(sequence.promptId());
            out.writeInt(sequence.partition());
            out.writeLong(sequence.offset());
            out.writeInt(sequence.tokens());
            out.writeInt(sequence.values().size());
            for (byte[] value : sequence.values()) {
                out.writeInt(value.length);
                out.write(value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        byte[] frame = buffer.toByteArray();
        int payloadLength = frame.length - HEADER_BYTES;
        ByteBuffer.wrap(frame).putInt(0, payloadLength).putInt(4, checksum(frame, HEADER_BYTES, payloadLength));
        return frame;
    }

    static int checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static CachedSequence decodePayload(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        String promptId = in.readUTF();
        int partition = in.readInt();
        long offset = in.readLong();
        int tokens = in.readInt();
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative value count " + count);
        }
        List<byte[]> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("value " + i + " announces " + length + " bytes, " + in.available() + " remain");
            }
            values.add(in.readNBytes(length));
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " unexpected bytes after the values");
        }
        return new CachedSequence(promptId, partition, offset, tokens, values);
    }
}
