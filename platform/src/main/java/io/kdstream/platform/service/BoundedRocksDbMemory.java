package io.kdstream.platform.service;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Bounds what the RocksDB state stores of a Kafka Streams service take outside the Java heap: one block cache for
 * every store in the process, which also holds their index and filter blocks and is charged for their memtables (Kafka
 * Streams' "bounded memory" recipe). Without it each store keeps a block cache of its own (50 MB) and up to three
 * 16 MB memtables, which a long-running router fills as its stores grow: memory the JVM's heap limit does not see.
 * Set as {@code rocksdb.config.setter} unless a service's properties name another.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Off-heap memory of all stores together: block cache, index and filter blocks, memtables. */
    static final long TOTAL_BYTES = 32L << 20;
    /** The memtables' share of it. */
    static final long MEMTABLE_BYTES = 8L << 20;
    private static final double INDEX_AND_FILTER_SHARE = 0.1;

    // shared by every store of the process and never closed: stores open and close with rebalances
    private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, INDEX_AND_FILTER_SHARE);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(MEMTABLE_BYTES / 2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared: closing them here would pull them from the other stores
    }
}
