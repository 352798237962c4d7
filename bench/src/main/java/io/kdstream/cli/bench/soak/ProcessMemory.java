package io.kdstream.cli.bench.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's memory: heap in use (it swings with garbage between collections), the resident set size (heap, native
 * memory such as torch's, thread stacks, and the pages of mapped files such as the broker's index files) from
 * {@code /proc/self/status} with its anonymous part (what a native leak grows; mapped files' pages grow with the data
 * and the kernel can drop them), and the live heap: what a full collection leaves (what a leak on the heap grows).
 *
 * @param rocksDbBytes what the RocksDB state stores hold outside the heap ({@link RocksDbMemory}), part of the anonymous
 *     resident set
 * @param collectMillis how long that full collection paused the process
 */
record ProcessMemory(long heapUsedBytes, long liveHeapBytes, long rssBytes, long rssAnonBytes, long rocksDbBytes, double collectMillis) {

    /**
     * Takes the heap in use and the resident set as they are, then asks for a full collection and takes the live heap
     * after it. Without it the live heap is unknown: a young collection leaves the old generation's garbage in place,
     * and with a large heap a full one may not come in an hour.
     */
    static ProcessMemory measure() {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = status("VmRSS:");
        long anon = status("RssAnon:");
        long started = System.nanoTime();
        System.gc();
        double millis = (System.nanoTime() - started) / 1e6;
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage collected = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && collected != null) {
                live += collected.getUsed();
            }
        }
        return new ProcessMemory(used, live, rss, anon, RocksDbMemory.blockCacheBytes(), millis);
    }

    /** A size in {@code /proc/self/status}; -1 where it is not there (not Linux). */
    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
