package io.kdstream.trainer.cache;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * How an entry sits in a shard file: a frame of {@code int32 payload length, int32 CRC-32C of the payload, payload},
 * big-endian. The payload: prompt id ({@code int32 length}, UTF-8), partition, offset, token count, number of values
 * (0 for a tombstone), then each value as {@code int32 length, bytes}.
 */
final class EntryFrames {

    static final int HEADER_BYTES = 8;
    /** No real entry comes near this; a larger length is a torn or overwritten header. */
    static final int MAX_PAYLOAD_BYTES = 256 << 20;

    private EntryFrames() {
    }

    /** The frame's size in bytes, header included. */
    static int frameSize(CachedSequence sequence, byte[] promptId) {
        long size = HEADER_BYTES + 4 + promptId.length + 4 + 8 + 4 + 4;
        for (ByteBuffer value : sequence.values()) {
            size += 4 + value.remaining();
        }
        if (size - HEADER_BYTES > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("the sequence of prompt " + sequence.promptId() + " takes " + size
                    + " bytes, more than a cache entry may (" + MAX_PAYLOAD_BYTES + ")");
        }
        return (int) size;
    }

    /** Writes the frame at the buffer's position, which must have {@link #frameSize} bytes remaining. */
    static void writeFrame(CachedSequence sequence, byte[] promptId, ByteBuffer out) {
        int start = out.position();
        out.putInt(0).putInt(0); // payload length and checksum, filled in below
        out.putInt(promptId.length).put(promptId);
        out.putInt(sequence.partition()).putLong(sequence.offset()).putInt(sequence.tokens()).putInt(sequence.values().size());
        for (ByteBuffer value : sequence.values()) {
            out.putInt(value.remaining()).put(value.duplicate());
        }
        int payloadLength = out.position() - start - HEADER_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(out.duplicate().position(start + HEADER_BYTES).limit(out.position()));
        out.putInt(start, payloadLength).putInt(start + 4, (int) crc.getValue());
    }

    static int checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static CachedSequence decodePayload(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int promptLength = in.readInt();
        if (promptLength < 0 || promptLength > in.available()) {
            throw new IOException("the prompt id announces " + promptLength + " bytes, " + in.available() + " remain");
        }
        String promptId = new String(in.readNBytes(promptLength), StandardCharsets.UTF_8);
        int partition = in.readInt();
        long offset = in.readLong();
        int tokens = in.readInt();
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative value count " + count);
        }
        List<ByteBuffer> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("value " + i + " announces " + length + " bytes, " + in.available() + " remain");
            }
            values.add(ByteBuffer.wrap(in.readNBytes(length)));
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " unexpected bytes after the values");
        }
        return new CachedSequence(promptId, partition, offset, tokens, values);
    }
}
