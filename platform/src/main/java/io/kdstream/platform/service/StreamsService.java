package io.kdstream.platform.service;

import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.kafka.KafkaAccess;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A service that is one Kafka Streams application: {@link #start()} builds the topology and runs it; alive until
 * Streams fails, ready while it is RUNNING (all tasks assigned and restored).
 */
public abstract class StreamsService implements Service {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile Throwable failure;
    private KafkaStreams streams;

    protected StreamsService(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    /** Called once by {@link #start()}: create topics if needed and return the topology to run. */
    protected abstract Topology topology();

    protected abstract Map<String, Object> streamsProperties();

    /**
     * Whether a stream thread's failure was an outage of something outside Kafka (the schema registry) that has now
     * been waited out: the thread is then replaced, and its tasks start again from their last commit, so the record
     * it failed on is read again. Called on the failing thread. The default says no, and the application stops, as
     * Kafka Streams does without a handler.
     */
    protected boolean waitedOut(Throwable failure) {
        return false;
    }

    /** True once {@link #close()} was called: waits give up. */
    protected boolean closing() {
        return closing;
    }

    /** The running application, for interactive queries of its stores. */
    protected KafkaStreams streams() {
        return streams;
    }

    @Override
    public synchronized void start() {
        streams = new KafkaStreams(topology(), new StreamsConfig(withDefaults(streamsProperties())));
        streams.setUncaughtExceptionHandler(this::onThreadFailure);
        streams.setStateListener((now, before) -> {
            log.info("{}: {} -> {}", name, before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.start();
    }

    /**
     * A stream thread's failure: replaced when {@link #waitedOut} says so, else the application stops. A refused
     * access is said once, naming who was refused what (Kafka's own lines say only which topic or group).
     */
    private StreamThreadExceptionResponse onThreadFailure(Throwable failed) {
        if (waitedOut(failed)) {
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        Optional<KafkaAccess.RefusedException> refused = KafkaAccess.streamsRefusal(failed, streamsProperties());
        failure = refused.isPresent() ? refused.get() : failed;
        if (refused.isPresent()) {
            log.error("{} stopped: {}", name, refused.get().getMessage());
        } else {
            log.error("{} stopped on an error: {}", name, failed.toString());
        }
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** The error that stopped the application, if one did. */
    public Throwable failure() {
        return failure;
    }

    /**
     * The properties with kdstream's defaults where they are not set: {@code state.dir} under
     * {@code KDSTREAM_HOME/streams} (Kafka Streams' own default is a temporary directory, which the system may clean
     * under a running application and which does not survive a reboot: the state is then restored from the changelog,
     * all of it), and RocksDB's memory bounded ({@link BoundedRocksDbMemory}).
     */
    static Map<String, Object> withDefaults(Map<String, Object> properties) {
        Map<String, Object> withDefaults = new HashMap<>(properties);
        withDefaults.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, KdstreamHome.path().resolve("streams").toString());
        withDefaults.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        return withDefaults;
    }

    @Override
    public boolean isAlive() {
        return streams == null || streams.state() != KafkaStreams.State.ERROR;
    }

    @Override
    public boolean isReady() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        closing = true;
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        stopped.countDown();
    }
}
