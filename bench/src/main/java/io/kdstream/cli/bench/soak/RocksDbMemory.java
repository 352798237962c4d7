package io.kdstream.cli.bench.soak;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * What the Kafka Streams state stores in this JVM (the router's) hold outside the heap, from Kafka Streams' RocksDB
 * metrics in JMX: the block cache's usage, which with {@code BoundedRocksDbMemory} is one cache shared by every store
 * and charged for their memtables too (each store reports the same cache, so the largest report is its usage). The
 * part of the resident set it explains is bounded by that cache's capacity.
 */
final class RocksDbMemory {

    private static final String STORES = "kafka.streams:type=stream-state-metrics,*";

    private RocksDbMemory() {
    }

    /** Bytes in the shared block cache now; 0 without stores, -1 where the metrics cannot be read. */
    static long blockCacheBytes() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            long largest = 0;
            for (ObjectName store : server.queryNames(new ObjectName(STORES), null)) {
                if (server.getAttribute(store, "block-cache-usage") instanceof Number usage) {
                    largest = Math.max(largest, usage.longValue());
                }
            }
            return largest;
        } catch (JMException | RuntimeException e) {
            return -1;
        }
    }
}
