package io.kdstream.cli.bench.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's memory: heap in use, heap live after the last collection (what a leak grows; "in use" swings with
 * garbage between collections) and the resident set size (heap, native memory such as torch's, thread stacks, and
 * the pages of mapped files such as the broker's index files), from {@code /proc/self/status}, with its anonymous
 * part (what a native leak grows; mapped files' pages grow with the data and the kernel can drop them).
 */
record ProcessMemory(long heapUsedBytes, long heapAfterGcBytes, long rssBytes, long rssAnonBytes) {

    static ProcessMemory now() {
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage collected = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && collected != null) {
                afterGc += collected.getUsed();
            }
        }
        return new ProcessMemory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), afterGc, status("VmRSS:"), status("RssAnon:"));
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
