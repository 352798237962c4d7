package io.kdstream.trainer.cache;

import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.registry.RegistryWait;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Reads the logit cache topic into the local cache: every partition, from the cache's own position (the beginning
 * for a new or rebuilt cache), without a consumer group, since the position is the cache's and is committed with it.
 * While the schema registry cannot be reached, what could not be filed is put back (the consumer is sent back to the
 * cache's position) and read again once it answers ({@link RegistryWait}); meanwhile the trainer trains on.
 */
public final class CacheFeed {

    private final Consumer<byte[], ByteBuffer> consumer;
    private final DiskLogitCache cache;
    private final CacheIngest ingest;
    private final RegistryWait registryWait;
    private final List<TopicPartition> partitions;

    public CacheFeed(Consumer<byte[], ByteBuffer> consumer, String topic, DiskLogitCache cache, CacheIngest ingest, RegistryWait registryWait) {
        this.consumer = consumer;
        this.cache = cache;
        this.ingest = ingest;
        this.registryWait = registryWait;
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        consumer.assign(partitions);
        rewindToCache();
    }

    /** Sends the consumer to the cache's position: records read but not filed are read again. */
    private void rewindToCache() {
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

    /**
     * One poll; what it returns is in the cache (readable, committed later). Returns the records filed: none while
     * waiting for the registry, and those before the first one that needed it when it turns out to be away.
     */
    public int poll(Duration timeout) {
        if (!registryWait.over()) {
            return 0;
        }
        ConsumerRecords<byte[], ByteBuffer> records = consumer.poll(timeout);
        int filed = 0;
        try {
            for (ConsumerRecord<byte[], ByteBuffer> record : records) {
                ingest.accept(record);
                filed++;
            }
        } catch (RuntimeException e) {
            Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(e);
            if (outage.isEmpty()) {
                throw e;
            }
            rewindToCache();
            registryWait.outage(outage.get(), records.count() - filed);
            return filed;
        }
        recordPositions();
        return filed;
    }

    /** The consumer may be past the last record (transaction markers, compacted records): the cache's position follows it. */
    private void recordPositions() {
        for (TopicPartition partition : partitions) {
            cache.advance(partition.partition(), consumer.position(partition));
        }
    }

    /**
     * Reads until the cache holds everything the topic held when this was called; {@code progress} hears the records
     * filed so far (from the filing thread). Returns the records read. The records are filed in {@link ReplayOrder},
     * not as the fetches interleaved, so every catch-up over the same topic fills the cache in the same order.
     *
     * <p>This thread fetches and orders records while another files (summary, frame, index) those already released, so
     * a replay costs about the slower of the two rather than their sum; the fetching thread is kept light, since it is
     * the slower one (reading summaries on it made replays slower). The cache is only touched by the filing thread
     * until this returns. While the registry cannot be reached, the catch-up waits for it, then goes on from the cache's
     * position.
     */
    public long catchUp(LongConsumer progress) throws InterruptedException {
        long read = 0;
        while (true) {
            try {
                return read + catchUpOnce(progress);
            } catch (RuntimeException e) {
                Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(e);
                if (outage.isEmpty()) {
                    throw e;
                }
                rewindToCache();
                registryWait.outage(outage.get(), lag());
                registryWait.awaitOver(() -> Thread.currentThread().isInterrupted());
            }
        }
    }

    private long catchUpOnce(LongConsumer progress) throws InterruptedException {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        cache.reserve(lag(ends));
        BlockingQueue<Polled> handoff = new ArrayBlockingQueue<>(2);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread filer = new Thread(() -> file(handoff, failure, progress), "cache-replay-filer");
        filer.start();
        ReplayOrder<ByteBuffer> order = new ReplayOrder<>(partitions);
        long read = 0;
        try {
            while (!reached(ends) && failure.get() == null) {
                ConsumerRecords<byte[], ByteBuffer> records = consumer.poll(Duration.ofMillis(200));
                read += records.count();
                order.add(records);
                List<ConsumerRecord<byte[], ByteBuffer>> released = order.release(consumer::position, ends);
                if (released.isEmpty() && !reached(ends)) {
                    continue; // nothing to file yet: a hand-off now would only take a place in the queue
                }
                Polled polled = new Polled(released, order.releasedUpTo(consumer::position));
                while (!handoff.offer(polled, 100, TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null) {
                        break;
                    }
                }
            }
        } finally {
            while (filer.isAlive() && !handoff.offer(Polled.END, 100, TimeUnit.MILLISECONDS)) {
                // the filer is still at work on what it was given
            }
            filer.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return read;
    }

    /** Records to file in this order and the positions they reach; {@link #END} ends the filing. */
    private record Polled(List<ConsumerRecord<byte[], ByteBuffer>> records, Map<Integer, Long> positions) {
        static final Polled END = new Polled(List.of(), Map.of());
    }

    private void file(BlockingQueue<Polled> handoff, AtomicReference<RuntimeException> failure, LongConsumer progress) {
        long filed = 0;
        try {
            for (Polled polled = handoff.take(); polled != Polled.END; polled = handoff.take()) {
                polled.records().forEach(ingest::accept);
                polled.positions().forEach(cache::advance);
                filed += polled.records().size();
                progress.accept(filed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }

    /** Records in the topic not yet read, over all partitions. */
    public long lag() {
        return lag(consumer.endOffsets(partitions));
    }

    private long lag(Map<TopicPartition, Long> ends) {
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
