package io.kdstream.trainer.training;

import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binary form of an {@link OptimizerState}, all numbers big-endian:
 * <pre>
 *   int32 magic "KDAS", int32 format version (1)
 *   int64 completed steps
 *   int32 parameter count, then per parameter in the model's order:
 *     modified-UTF-8 name, int32 Adam updates, int32 rank, rank x int64 dimensions,
 *     float32 x size first moment, float32 x size second moment
 * </pre>
 * Reading checks every parameter's name and shape against the model before reading its values, so a state saved for
 * another model fails naming the first parameter that differs, and a corrupt size never allocates.
 */
final class OptimizerStateCodec {

    static final int MAGIC = 0x4B444153; // "KDAS": kdstream Adam state
    static final int VERSION = 1;
    /** Ranks beyond this are corruption, not tensors (the student's parameters have at most 2 dimensions). */
    private static final int MAX_RANK = 16;

    private OptimizerStateCodec() {
    }

    /** Writes {@code state} to {@code out}, which is neither flushed nor closed. */
    static void write(OptimizerState state, DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(state.completedSteps());
        out.writeInt(state.parameters().size());
        for (ParameterMoments parameter : state.parameters()) {
            out.writeUTF(parameter.name());
            out.writeInt(parameter.updates());
            long[] dimensions = parameter.shape().getShape();
            out.writeInt(dimensions.length);
            for (long dimension : dimensions) {
                out.writeLong(dimension);
            }
            writeFloats(out, parameter.mean());
            writeFloats(out, parameter.variance());
        }
    }

    /**
     * Reads a state written by {@link #write} for a model whose trainable parameters are {@code expected} (name to
     * shape, in the model's order).
     *
     * @throws IOException naming what is wrong: not a state, another format version, truncated (and where), corrupt,
     *     or saved for another model (the first parameter whose name or shape differs)
     */
    static OptimizerState read(DataInputStream in, Map<String, Shape> expected) throws IOException {
        String where = "its header";
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException(String.format(
                        "not a kdstream optimizer state: it starts with 0x%08x, not 0x%08x", magic, MAGIC));
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("optimizer state format " + version + " is not supported (this build reads "
                        + VERSION + ")");
            }
            long completedSteps = in.readLong();
            if (completedSteps < 0) {
                throw new IOException("optimizer state is corrupt: " + completedSteps + " completed steps");
            }
            int count = in.readInt();
            if (count != expected.size()) {
                throw new IOException("optimizer state does not fit this model: it holds " + count
                        + " parameters, the model trains " + expected.size());
            }
            List<ParameterMoments> parameters = new ArrayList<>(count);
            for (Map.Entry<String, Shape> parameter : expected.entrySet()) {
                where = "parameter " + (parameters.size() + 1) + " of " + count + " ('" + parameter.getKey() + "')";
                parameters.add(readParameter(in, parameter.getKey(), parameter.getValue()));
            }
            return new OptimizerState(completedSteps, parameters);
        } catch (EOFException e) {
            throw new IOException("optimizer state is truncated: it ends in " + where, e);
        } catch (UTFDataFormatException e) {
            throw new IOException("optimizer state is corrupt in " + where + ": " + e.getMessage(), e);
        }
    }

    private static ParameterMoments readParameter(DataInputStream in, String expectedName, Shape expectedShape)
            throws IOException {
        String name = in.readUTF();
        if (!name.equals(expectedName)) {
            throw new IOException("optimizer state does not fit this model: it holds parameter '" + name
                    + "' where the model has '" + expectedName + "'");
        }
        int updates = in.readInt();
        if (updates < 0) {
            throw new IOException("optimizer state is corrupt: parameter '" + name + "' has " + updates + " updates");
        }
        int rank = in.readInt();
        if (rank < 0 || rank > MAX_RANK) {
            throw new IOException("optimizer state is corrupt: parameter '" + name + "' has rank " + rank);
        }
        long[] dimensions = new long[rank];
        for (int i = 0; i < rank; i++) {
            dimensions[i] = in.readLong();
        }
        Shape shape = new Shape(dimensions);
        if (!shape.equals(expectedShape)) {
            throw new IOException("optimizer state does not fit this model: parameter '" + name + "' has shape "
                    + shape + " in the state and " + expectedShape + " in the model");
        }
        int size = Math.toIntExact(shape.size());
        return new ParameterMoments(name, updates, shape, readFloats(in, size), readFloats(in, size));
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES); // big-endian, like DataOutputStream
        bytes.asFloatBuffer().put(values);
        out.write(bytes.array());
    }

    private static float[] readFloats(DataInputStream in, int count) throws IOException {
        byte[] bytes = new byte[count * Float.BYTES];
        in.readFully(bytes);
        float[] values = new float[count];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        return values;
    }
}
