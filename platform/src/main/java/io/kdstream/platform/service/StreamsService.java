package io.kdstream.platform.service;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A service that is one Kafka Streams application: {@link #start()} builds the topology and runs it; alive until
 * Streams fails, ready while it is RUNNING (all tasks assigned and restored).
 */
public abstract class StreamsService implements Service {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final CountDownLatch stopped = new CountDownLatch(1);
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

    /** The running application, for interactive queries of its stores. */
    protected KafkaStreams streams() {
        return streams;
    }

    @Override
    public synchronized void start() {
        streams = new KafkaStreams(topology(), new StreamsConfig(streamsProperties()));
        streams.setStateListener((now, before) -> {
            log.info("{}: {} -> {}", name, before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.start();
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
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        stopped.countDown();
    }
}
