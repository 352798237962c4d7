package io.kdstream.platform.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running inside this JVM on free
 * loopback ports, with settings that make it quick on a small machine. Close it: its threads keep the JVM alive.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path logDir;
    private final boolean ownsLogDir;
    private final int brokerPort;
    private final KafkaConfig config;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Path logDir, boolean ownsLogDir, int brokerPort, KafkaConfig config, KafkaRaftServer server) {
        this.logDir = logDir;
        this.ownsLogDir = ownsLogDir;
        this.brokerPort = brokerPort;
        this.config = config;
        this.server = server;
    }

    /** Starts a broker whose data lives in a temporary directory removed on close. */
    public static EmbeddedKafkaBroker start() {
        return start(temporaryLogDir(), true, null);
    }

    /** Starts a secured broker (see {@link EmbeddedSecurity}) whose data lives in a temporary directory removed on close. */
    public static EmbeddedKafkaBroker startSecured(EmbeddedSecurity security) {
        return start(temporaryLogDir(), true, security);
    }

    public static EmbeddedKafkaBroker start(Path logDir, boolean deleteOnClose) {
        return start(logDir, deleteOnClose, null);
    }

    private static Path temporaryLogDir() {
        try {
            return Files.createTempDirectory("kdstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded broker", e);
        }
    }

    private static EmbeddedKafkaBroker start(Path logDir, boolean deleteOnClose, EmbeddedSecurity security) {
        int brokerPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        Properties props = brokerProperties(logDir, brokerPort, controllerPort, security);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(logDir, security == null ? List.of() : security.scramArguments());
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        long started = System.nanoTime();
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, deleteOnClose, brokerPort, config, server);
        log.info("Embedded Kafka broker ready at {} in {} ms", broker.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        return broker;
    }

    private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort, EmbeddedSecurity security) {
        Properties p = new Properties();
        String clients = security == null ? "PLAINTEXT" : EmbeddedSecurity.CLIENT_LISTENER;
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", clients + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", clients + "://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        if (security == null) {
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
        } else {
            security.addBrokerSettings(p, CONTROLLER_LISTENER);
        }
        p.put("log.dirs", logDir.toString());
        // One node on a small machine: no replication, no waiting, few threads.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("log.cleaner.backoff.ms", "200");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("auto.create.topics.enable", "false");
        // Logit records are large; let one record of a few MB through (chunking handles more).
        p.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    private static void format(Path logDir, List<String> scramArguments) {
        try {
            new Formatter()
                    .setScramArguments(scramArguments)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded broker's log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /**
     * Stops the broker and starts it again on the same log directory, ports and settings, as an operator restarts a
     * broker: what was committed before is there after, and clients reconnect to the same address.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the embedded broker is closed");
        }
        server.shutdown();
        server.awaitShutdown();
        long started = System.nanoTime();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        log.info("Embedded Kafka broker restarted at {} in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (ownsLogDir) {
            deleteRecursively(logDir);
        }
        log.info("Embedded Kafka broker stopped");
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
