package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.ValueEncoding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Packs top-K ids and values into the bytes of a TeacherLogits record and back. Ids take 2 bytes when the
 * vocabulary fits in 16 bits, else 4; values are little-endian fp32 (lossless).
 */
public final class TopKCodec {

    private TopKCodec() {
    }

    public static IdEncoding idEncodingFor(int vocabularySize) {
        return vocabularySize <= 1 << 16 ? IdEncoding.UINT16_LE : IdEncoding.UINT32_LE;
    }

    public static ByteBuffer encodeIds(int[] ids, IdEncoding encoding) {
        ByteBuffer out = ByteBuffer.allocate(ids.length * idWidth(encoding)).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            if (encoding == IdEncoding.UINT16_LE) {
                if (id < 0 || id > 0xffff) {
                    throw new IllegalArgumentException("token id " + id + " does not fit UINT16_LE");
                }
                out.putShort((short) id);
            } else {
                out.putInt(id);
            }
        }
        return out.flip();
    }

    public static int[] decodeIds(ByteBuffer bytes, IdEncoding encoding, int count) {
        ByteBuffer in = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        requireLength(in, count * idWidth(encoding), "topkIds");
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = encoding == IdEncoding.UINT16_LE ? Short.toUnsignedInt(in.getShort()) : in.getInt();
        }
        return ids;
    }

    public static ByteBuffer encodeFloats(float[] values, ValueEncoding encoding) {
        requireFloat32(encoding);
        ByteBuffer out = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        return out;
    }

    public static float[] decodeFloats(ByteBuffer bytes, ValueEncoding encoding, int count, String field) {
        requireFloat32(encoding);
        ByteBuffer in = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        requireLength(in, count * Float.BYTES, field);
        float[] values = new float[count];
        in.asFloatBuffer().get(values);
        return values;
    }

    private static int idWidth(IdEncoding encoding) {
        return encoding == IdEncoding.UINT16_LE ? 2 : 4;
    }

    private static void requireFloat32(ValueEncoding encoding) {
        if (encoding != ValueEncoding.FLOAT32_LE) {
            throw new IllegalArgumentException("unsupported value encoding " + encoding);
        }
    }

    private static void requireLength(ByteBuffer in, int expected, String field) {
        if (in.remaining() != expected) {
            throw new IllegalArgumentException(field + " holds " + in.remaining() + " bytes, expected " + expected);
        }
    }
}
