package io.kdstream.platform.service;

import io.kdstream.platform.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service whose work is a loop in one thread: {@link #runOnce()} is called until it returns false or the service
 * is closed. Resources are opened in {@link #open()} and released in {@link #release()}, both in the loop's thread,
 * because Kafka consumers may only be used from one thread.
 */
public abstract class LoopService implements Service {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean opened = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread thread;

    protected LoopService(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    protected abstract void open() throws Exception;

    /** One unit of work; returns false when the service has finished its job. */
    protected abstract boolean runOnce() throws Exception;

    protected abstract void release();

    /**
     * Called in the loop's thread when the loop has ended without an error, whether {@link #runOnce()} finished the
     * work or {@link #close()} (SIGTERM, Ctrl-C) asked it to stop, before {@link #release()}: where a service saves
     * what it would otherwise lose.
     */
    protected void onStop() throws Exception {
    }

    private volatile Consumer<?, ?> polledConsumer;

    /**
     * The Kafka client settings the service connects with, to name its principal when the cluster refuses a read
     * ({@link KafkaAccess#readRefusal}); none by default.
     */
    protected Map<String, ?> clientProperties() {
        return Map.of();
    }

    /** Registers the consumer the loop polls, so that {@link #close()} can wake it from another thread. */
    protected <C extends Consumer<?, ?>> C polled(C consumer) {
        this.polledConsumer = consumer;
        return consumer;
    }

    /** One poll of {@code consumer}; null when {@link #close()} woke it, and the loop is to end. */
    protected static <K, V> ConsumerRecords<K, V> pollUnlessClosing(Consumer<K, V> consumer, Duration timeout) {
        try {
            return consumer.poll(timeout);
        } catch (WakeupException closing) {
            return null;
        }
    }

    /** Called from {@link #close()} on the caller's thread, to wake a blocking poll. */
    protected void wakeup() {
        Consumer<?, ?> consumer = polledConsumer;
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " was already started");
        }
        running.set(true);
        thread = new Thread(this::loop, name);
        thread.start();
    }

    private void loop() {
        try {
            open();
            opened.set(true);
            while (running.get() && runOnce()) {
                // the work is in runOnce
            }
            try {
                onStop();
            } catch (Exception e) {
                failure.set(e); // also when close() asked for the stop: what should have been saved was not
                log.error("{} could not finish its stop: {}", name, e.toString(), e);
            }
        } catch (Throwable t) {
            if (running.get()) {
                Optional<KafkaAccess.RefusedException> refused = KafkaAccess.readRefusal(t, clientProperties());
                if (refused.isPresent()) {
                    // not transient, and the description says all: once, without Kafka's stack
                    failure.set(refused.get());
                    log.error("{} stopped: {}", name, refused.get().getMessage());
                } else {
                    failure.set(t);
                    log.error("{} stopped on an error: {}", name, t.toString(), t);
                }
            }
        } finally {
            running.set(false);
            try {
                release();
            } catch (RuntimeException e) {
                log.warn("{} did not release cleanly: {}", name, e.toString());
            }
            stopped.countDown();
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public boolean isAlive() {
        return failure.get() == null;
    }

    @Override
    public boolean isReady() {
        return opened.get() && running.get();
    }

    /** True once the loop has ended, by itself or by {@link #close()}. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** The error that stopped the loop, if one did. */
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        if (running.getAndSet(false)) {
            wakeup();
        }
        Thread current = thread;
        if (current != null && current != Thread.currentThread()) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
