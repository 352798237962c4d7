package io.kdstream.trainer.sampling;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Everything that decides the sampler's next draws, saved in every checkpoint so a resumed run draws what the
 * uninterrupted run would have drawn.
 *
 * @param random the generator's state
 * @param epoch passes over the cache completed
 * @param cursor the next entry the shuffle buffer reads
 * @param freshCursor the next entry the fresh share considers
 * @param buffer the entries in the shuffle buffer, in buffer order
 * @param carried an entry drawn but left for the next batch (it did not fit the token budget), or -1
 */
public record SamplerState(long random, int epoch, int cursor, int freshCursor, int[] buffer, int carried) {

    public void write(DataOutputStream out) throws IOException {
        out.writeLong(random);
        out.writeInt(epoch);
        out.writeInt(cursor);
        out.writeInt(freshCursor);
        out.writeInt(carried);
        out.writeInt(buffer.length);
        for (int entry : buffer) {
            out.writeInt(entry);
        }
    }

    public static SamplerState read(DataInputStream in) throws IOException {
        long random = in.readLong();
        int epoch = in.readInt();
        int cursor = in.readInt();
        int freshCursor = in.readInt();
        int carried = in.readInt();
        int length = in.readInt();
        if (epoch < 0 || cursor < 0 || freshCursor < 0 || carried < -1 || length < 0 || length > in.available() / 4) {
            throw new IOException("malformed sampler state: epoch " + epoch + ", cursor " + cursor + ", fresh cursor "
                    + freshCursor + ", carried " + carried + ", buffer of " + length);
        }
        int[] buffer = new int[length];
        for (int i = 0; i < length; i++) {
            buffer[i] = in.readInt();
        }
        return new SamplerState(random, epoch, cursor, freshCursor, buffer, carried);
    }

    /** The highest entry number the state refers to, plus one: the cache must hold at least this many entries. */
    public int entriesNeeded() {
        int needed = Math.max(cursor, freshCursor);
        for (int entry : buffer) {
            needed = Math.max(needed, entry + 1);
        }
        return Math.max(needed, carried + 1);
    }
}
