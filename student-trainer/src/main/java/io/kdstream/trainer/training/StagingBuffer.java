package io.kdstream.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One direct buffer, reused step after step, that a step's input tensors are made from. DJL's PyTorch engine makes a
 * CPU tensor of a direct buffer without copying it ({@code torch::from_blob}), where a Java array costs a fresh direct
 * buffer (allocated and zeroed) and a copy: for a KD step's top-K index and values about 160 us, a tenth of what KD
 * adds to a step.
 *
 * <p>The tensors share the buffer's memory, so it must not be rewritten while they live: {@link #restart} begins a
 * step, and the caller closes that step's tensors (its sub-manager) before the next {@code restart}. A buffer
 * outgrown within a step is replaced, not rewritten: each tensor keeps its own buffer alive. Not thread-safe.
 */
final class StagingBuffer {

    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
    private int used;

    /** The previous step's tensors are closed: their memory may be written again. */
    void restart() {
        used = 0;
    }

    NDArray longs(NDManager manager, long[] data, Shape shape) {
        ByteBuffer slice = reserve(data.length, Long.BYTES);
        slice.asLongBuffer().put(data);
        return manager.create(slice, shape, DataType.INT64);
    }

    NDArray ints(NDManager manager, int[] data, Shape shape) {
        ByteBuffer slice = reserve(data.length, Integer.BYTES);
        slice.asIntBuffer().put(data);
        return manager.create(slice, shape, DataType.INT32);
    }

    NDArray floats(NDManager manager, float[] data, Shape shape) {
        ByteBuffer slice = reserve(data.length, Float.BYTES);
        slice.asFloatBuffer().put(data);
        return manager.create(slice, shape, DataType.FLOAT32);
    }

    /** {@code count} elements of {@code width} bytes, aligned to their width, in native byte order. */
    private ByteBuffer reserve(int count, int width) {
        int start = (used + width - 1) / width * width;
        long end = start + (long) count * width;
        if (end > buffer.capacity()) {
            buffer = ByteBuffer.allocateDirect(Math.toIntExact(Math.max(end, 2L * buffer.capacity())));
            start = 0;
            end = (long) count * width;
        }
        used = (int) end;
        return buffer.slice(start, count * width).order(ByteOrder.nativeOrder());
    }
}
