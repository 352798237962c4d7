package io.kdstream.schemas.registry;

import io.kdstream.platform.observability.Observability;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A service's wait for a schema registry it cannot reach. The service puts back what it could not do (rewinds its
 * consumer to the record, aborts the transaction) and calls {@link #outage}; it does no more of that work until
 * {@link #over()}, which asks the registry again with back-off (from 500 ms, doubling up to 5 s; one request each).
 * Logged once when a wait begins and once when it ends, not per record; counted, tagged with the service, in
 * {@code kdstream_registry_outages_total} (waits begun) and {@code kdstream_registry_deferred_total} (records put back
 * to be read again, or calls that waited).
 */
public final class RegistryWait {

    private static final Logger log = LoggerFactory.getLogger(RegistryWait.class);
    private static final Duration FIRST_WAIT = Duration.ofMillis(500);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    private final String service;
    private final SchemaRegistry registry;
    private final Counter outages;
    private final Counter deferred;
    private final AtomicBoolean waiting = new AtomicBoolean();
    private volatile long began;
    private long nextCheck;
    private Duration wait;
    private long deferredInThisWait;

    public RegistryWait(String service, SchemaRegistry registry) {
        this.service = service;
        this.registry = registry;
        this.outages = Counter.builder("kdstream.registry.outages").tag("service", service)
                .description("waits begun because the schema registry could not be reached").register(Observability.registry());
        this.deferred = Counter.builder("kdstream.registry.deferred").tag("service", service)
                .description("records put back to be read again because the schema registry could not be reached")
                .register(Observability.registry());
    }

    /**
     * The registry could not be reached while doing work on {@code records} records, which the caller has put back:
     * begins a wait (logged, counted) or, during one, counts them.
     */
    public synchronized void outage(RegistryUnavailableException error, long records) {
        deferred.increment(records);
        deferredInThisWait += records;
        if (waiting.compareAndSet(false, true)) {
            outages.increment();
            began = System.nanoTime();
            wait = FIRST_WAIT;
            log.warn("{}: waiting for the schema registry ({}); what needs it is put back and done when it answers",
                    service, error.getMessage());
        }
        nextCheck = System.nanoTime() + wait.toNanos();
    }

    /** Whether a wait is on. */
    public boolean waiting() {
        return waiting.get();
    }

    /**
     * True when no wait is on, or the registry answers now (asked no more often than the back-off allows); the work
     * put back may then be done again.
     */
    public synchronized boolean over() {
        if (!waiting.get()) {
            return true;
        }
        if (System.nanoTime() < nextCheck) {
            return false;
        }
        if (registry.available()) {
            log.info("{}: the schema registry answers again after {} ms; {} records put back meanwhile are read again", service,
                    (System.nanoTime() - began) / 1_000_000, deferredInThisWait);
            deferredInThisWait = 0;
            waiting.set(false);
            return true;
        }
        wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
        nextCheck = System.nanoTime() + wait.toNanos();
        return false;
    }

    /**
     * The registry, asked so that an outage blocks the caller until it answers again (waiting as {@link #awaitOver}
     * does, counted as a record put back per call that waited) rather than failing; once {@code stopping} says so, the
     * outage is thrown. For Kafka Streams: a stream thread that failed instead would be replaced by a new member of
     * the group, which waits out the old one's session (45 s by default) before it gets the partitions back; a thread
     * that waits keeps its membership (Streams rejoins by itself if the wait outlasts {@code max.poll.interval.ms}).
     */
    public SchemaRegistry blocking(BooleanSupplier stopping) {
        return new BlockingSchemaRegistry(this, registry, stopping);
    }

    /**
     * The call's result, retried after waiting while the registry is away; the outage itself once {@code stopping}
     * says so (or the thread is interrupted).
     */
    <T> T waitingOut(Supplier<T> call, BooleanSupplier stopping) {
        while (true) {
            try {
                return call.get();
            } catch (RegistryUnavailableException e) {
                outage(e, 1);
                try {
                    if (!awaitOver(stopping)) {
                        throw e;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * For a Kafka Streams thread that failed: when {@code failure} is an outage of the registry, counts the record it
     * failed on, waits until the registry answers (or {@code stopping}) and returns true, so the thread is replaced and
     * reads that record again; false for any other failure.
     */
    public boolean waitedOut(Throwable failure, BooleanSupplier stopping) {
        Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(failure);
        if (outage.isEmpty()) {
            return false;
        }
        outage(outage.get(), 1);
        try {
            return awaitOver(stopping);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Blocks until the wait is over or {@code stopping} says to give up (for work that cannot go on meanwhile: a
     * startup's catch-up, a Streams thread about to be replaced). Returns whether it is over.
     */
    public boolean awaitOver(BooleanSupplier stopping) throws InterruptedException {
        while (!over()) {
            if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
