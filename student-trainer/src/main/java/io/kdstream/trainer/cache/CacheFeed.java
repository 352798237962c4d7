package io.kdstream.trainer.cache;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Reads the logit cache topic into the local cache: every partition, from the cache's own position (the beginning
 * for a new or rebuilt cache), without a consumer group, since the position is the cache's and is committed with it.
 */
public final class CacheFeed {

    private final Consumer<byte[], byte[]> consumer;
    private final DiskLogitCache cache;
    private final CacheIngest ingest;
    private final List<TopicPartition> partitions;

    public CacheFeed(Consumer<byte[], byte[]> consumer, String topic, DiskLogitCache cache, CacheIngest ingest) {
        this.consumer = consumer;
        this.cache = cache;
        this.ingest = ingest;
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        Map<Integer, Long> positions = cache.nextOffsets();
        for (TopicPartition partition : partitions) {
            Long next = positions.get(partition.partition());
            if (next == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, next);
            }
        }
        recordPositions();
    }

    /** One poll; what it returns is in the cache (readable, committed later). Returns the records read. */
    public int poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        records.forEach(ingest::accept);
        recordPositions();
        return records.count();
    }

    /** The consumer may be past the last record (transaction markers, compacted records): the cache's position follows it. */
    private void recordPositions() {
        for (TopicPartition partition : partitions) {
            cache.advance(partition.partition(), consumer.position(partition));
        }
    }

    /**
     * Reads until the cache holds everything the topic held when this was called; {@code progress} hears the records
     * read so far after each poll. Returns the records read.
     */
    public long catchUp(LongConsumer progress) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long read = 0;
        while (!reached(ends)) {
            read += poll(Duration.ofMillis(200));
            progress.accept(read);
        }
        return read;
    }

    /** Records in the topic not yet read, over all partitions. */
    public long lag() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long lag = 0;
        for (TopicPartition partition : partitions) {
            lag += Math.max(0, ends.get(partition) - consumer.position(partition));
        }
        return lag;
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }
}
