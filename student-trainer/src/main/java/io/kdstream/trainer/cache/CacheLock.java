package io.kdstream.trainer.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The lock that keeps a cache directory to one trainer at a time, held from open to close. */
public record CacheLock(FileChannel channel, FileLock lock) {

    /** The lock file in a cache directory: a copy of a closed cache leaves it behind (each copy gets its own). */
    public static final String LOCK_FILE = "cache.lock";

    /** Locks {@code directory} (creating it), or says who holds it: another trainer, or this JVM. */
    static CacheLock acquire(Path directory) throws IOException {
        Files.createDirectories(directory);
        FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("the trainer cache in " + directory + " is in use by another trainer; give this run "
                        + "its own directory (kdstream.trainer.cache.dir)");
            }
            return new CacheLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("the trainer cache in " + directory + " is already open in this JVM", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    void release() throws IOException {
        channel.close(); // releases the lock
    }
}
