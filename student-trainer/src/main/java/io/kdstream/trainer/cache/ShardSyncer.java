package io.kdstream.trainer.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Makes written shard bytes durable in the background, one sync after another, so a commit waits for little more
 * than the last few megabytes (and a long replay's writing to disk overlaps its filing), as RocksDB's
 * {@code bytes_per_sync} does.
 */
final class ShardSyncer {

    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "trainer-cache-shard-sync");
        thread.setDaemon(true);
        return thread;
    });
    private CompletableFuture<Void> syncs = CompletableFuture.completedFuture(null);

    /** Queues a sync of a shard's written bytes; {@code shard} reads the file being written: fsync is per file. */
    void sync(FileChannel shard) {
        syncs = syncs.thenRunAsync(() -> {
            try {
                shard.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    /** Waits for the queued syncs; a failed one fails the caller (a commit). */
    void await(Path directory) throws IOException {
        try {
            syncs.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause()
                    : new IOException("cannot make the trainer cache's shards in " + directory + " durable", e.getCause());
        }
    }

    /** Waits for the queued syncs, failed or not (no channel may close under one), and stops the thread. */
    void close() {
        syncs.exceptionally(failure -> null).join();
        executor.shutdown();
    }
}
