package io.kdstream.trainer.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The cache's shard files: their names, in order, and positional reads from them. */
final class ShardFiles {

    private static final String PREFIX = "shard-";
    private static final String SUFFIX = ".log";

    private ShardFiles() {
    }

    static Path path(Path directory, int shard) {
        return directory.resolve(String.format("%s%06d%s", PREFIX, shard, SUFFIX));
    }

    /** Every shard file in {@code directory}, in shard order. */
    static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
            }).sorted().toList();
        }
    }

    static int number(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    }

    static byte[] readPayload(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(channel, buffer, at);
        return buffer.array();
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("unexpected end of " + channel + " at byte " + position);
            }
            position += read;
        }
    }
}
