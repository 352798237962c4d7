package io.kdstream.trainer.cache;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Puts the records a replay fetches from several partitions in an order that does not depend on how the consumer's
 * fetches happened to interleave: window by window of {@value #WINDOW} offsets, each partition's records of the window
 * in partition order. So two replays of the same topic fill the local cache in the same order, and a seeded run
 * draws the same batches from either (its entries are numbered in the order they are filed).
 *
 * <p>Records of a window are held until every partition has been fetched past it; the consumer fetches all
 * partitions together, so what is held stays within a few fetches.
 */
final class ReplayOrder<V> {

    /** Offsets a window spans: small enough that held records stay few, large enough that windows are not mostly empty. */
    static final long WINDOW = 256;

    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], V>>> held = new HashMap<>();

    /** @param partitions in the order their records of a window are given out */
    ReplayOrder(List<TopicPartition> partitions) {
        this.partitions = partitions;
        partitions.forEach(partition -> held.put(partition, new ArrayDeque<>()));
    }

    void add(ConsumerRecords<byte[], V> records) {
        for (TopicPartition partition : records.partitions()) {
            held.get(partition).addAll(records.records(partition));
        }
    }

    /**
     * The held records whose windows every partition has been fetched past, in order.
     *
     * @param fetchedUpTo each partition's consumer position: its records below it have all been fetched
     * @param ends each partition's end offset: a partition fetched to its end holds nothing back
     */
    List<ConsumerRecord<byte[], V>> release(ToLongFunction<TopicPartition> fetchedUpTo, Map<TopicPartition, Long> ends) {
        List<ConsumerRecord<byte[], V>> released = new ArrayList<>();
        while (true) {
            long window = Long.MAX_VALUE; // the first window that still holds a record
            for (ArrayDeque<ConsumerRecord<byte[], V>> records : held.values()) {
                if (!records.isEmpty()) {
                    window = Math.min(window, records.peekFirst().offset() / WINDOW);
                }
            }
            if (window == Long.MAX_VALUE) {
                return released;
            }
            long windowEnd = (window + 1) * WINDOW;
            for (TopicPartition partition : partitions) {
                long fetched = fetchedUpTo.applyAsLong(partition);
                if (fetched < windowEnd && fetched < ends.get(partition)) {
                    return released; // this partition may still bring records of the window
                }
            }
            for (TopicPartition partition : partitions) {
                ArrayDeque<ConsumerRecord<byte[], V>> records = held.get(partition);
                while (!records.isEmpty() && records.peekFirst().offset() < windowEnd) {
                    released.add(records.pollFirst());
                }
            }
        }
    }

    /**
     * Where each partition's released records end: the first held record's offset, or the consumer position when
     * nothing is held (past transaction markers and compacted gaps too). The cache may commit these positions.
     */
    Map<Integer, Long> releasedUpTo(ToLongFunction<TopicPartition> fetchedUpTo) {
        Map<Integer, Long> positions = new HashMap<>();
        for (TopicPartition partition : partitions) {
            ArrayDeque<ConsumerRecord<byte[], V>> records = held.get(partition);
            positions.put(partition.partition(), records.isEmpty() ? fetchedUpTo.applyAsLong(partition) : records.peekFirst().offset());
        }
        return positions;
    }
}
