package io.kdstream.schemas.logits;

import java.nio.ByteBuffer;

/** A buffer's bytes as an array and a start index, without copying when the buffer has an accessible array. */
record ByteView(byte[] array, int start) {

    static ByteView of(ByteBuffer bytes, int length) {
        if (bytes.hasArray()) {
            return new ByteView(bytes.array(), bytes.arrayOffset() + bytes.position());
        }
        byte[] copy = new byte[length];
        bytes.duplicate().get(copy);
        return new ByteView(copy, 0);
    }
}
