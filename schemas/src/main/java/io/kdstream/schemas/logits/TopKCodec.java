package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.ValueEncoding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed-width, lossless encodings: ids as {@code UINT16_LE} (vocabularies up to 65536) or {@code UINT32_LE},
 * values and log-sum-exps as {@code FLOAT32_LE}. What readers older than the packed encoding understand.
 */
public final class TopKCodec {

    private TopKCodec() {
    }

    public static IdEncoding idEncodingFor(int vocabularySize) {
        return vocabularySize <= 1 << 16 ? IdEncoding.UINT16_LE : IdEncoding.UINT32_LE;
    }

    public static ByteBuffer encodeIds(int[] ids, IdEncoding encoding) {
        return encodeIds(ids, 0, ids.length, encoding);
    }

    public static ByteBuffer encodeIds(int[] ids, int from, int count, IdEncoding encoding) {
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(count, idWidth(encoding))).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < from + count; i++) {
            int id = ids[i];
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
        int[] ids = new int[count];
        decodeIds(bytes, encoding, count, ids, 0);
        return ids;
    }

    public static void decodeIds(ByteBuffer bytes, IdEncoding encoding, int count, int[] into, int offset) {
        ByteBuffer in = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        requireLength(in, (long) count * idWidth(encoding), "topkIds");
        if (encoding == IdEncoding.UINT16_LE) {
            for (int i = 0; i < count; i++) {
                into[offset + i] = Short.toUnsignedInt(in.getShort());
            }
        } else {
            in.asIntBuffer().get(into, offset, count);
        }
    }

    public static ByteBuffer encodeFloats(float[] values, ValueEncoding encoding) {
        return encodeFloats(values, 0, values.length, encoding);
    }

    public static ByteBuffer encodeFloats(float[] values, int from, int count, ValueEncoding encoding) {
        requireFloat32(encoding);
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values, from, count);
        return out;
    }

    public static float[] decodeFloats(ByteBuffer bytes, ValueEncoding encoding, int count, String field) {
        float[] values = new float[count];
        decodeFloats(bytes, encoding, count, field, values, 0);
        return values;
    }

    public static void decodeFloats(ByteBuffer bytes, ValueEncoding encoding, int count, String field, float[] into, int offset) {
        requireFloat32(encoding);
        ByteBuffer in = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        requireLength(in, (long) count * Float.BYTES, field);
        in.asFloatBuffer().get(into, offset, count);
    }

    static int idWidth(IdEncoding encoding) {
        return switch (encoding) {
            case UINT16_LE -> 2;
            case UINT32_LE -> 4;
            case BITPACKED_LE, FREQUENCY_CLASSES -> throw new IllegalArgumentException(encoding + " ids have no fixed width");
        };
    }

    private static void requireFloat32(ValueEncoding encoding) {
        if (encoding != ValueEncoding.FLOAT32_LE) {
            throw new IllegalArgumentException("unsupported value encoding " + encoding);
        }
    }

    private static void requireLength(ByteBuffer in, long expected, String field) {
        if (in.remaining() != expected) {
            throw new IllegalArgumentException(field + " holds " + in.remaining() + " bytes, expected " + expected);
        }
    }
}
