package io.kdstream.model.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a file so that readers see the old file or the complete new one, never a partial one, even across a crash:
 * a temporary file in the same directory, fsync, atomic rename, fsync of the directory.
 */
public final class AtomicFiles {

    /** Writes the file's content to the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** What {@link Files#createTempFile} makes of the prefix and suffix {@link #write} gives it. */
    private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.[0-9]+\\.tmp");

    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target} atomically, creating parent directories. */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true); // the bytes are on disk before the rename makes them visible
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(directory);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Deletes what writes that were stopped midway (a killed process) left in {@code directory}: the temporary files
     * {@link #write} names {@code .TARGET.RANDOM.tmp}. Only for a directory its caller owns: a write in progress there
     * would lose its temporary file.
     *
     * @return the names of the files deleted
     */
    public static List<String> removeLeftovers(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<String> removed = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (LEFTOVER.matcher(name).matches() && Files.isRegularFile(file) && Files.deleteIfExists(file)) {
                    removed.add(name);
                }
            }
        }
        return removed;
    }

    /**
     * Makes a rename in {@code directory} durable. Not every platform can open a directory for fsync; there the
     * rename is still atomic, just not yet guaranteed on disk.
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort, see above
        }
    }
}
