package io.kdstream.platform.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real KRaft cluster of several nodes inside this JVM (each node broker and controller, on free loopback ports),
 * replicated as production runs it: every topic, the offsets and the transaction log at replication factor = nodes
 * and {@code min.insync.replicas} = nodes - 1, so one node can be lost without refusing a write.
 *
 * <p>{@link #stopNode(int)} stops a node without controlled shutdown, as a crash looks to the rest of the cluster: the node
 * does not hand its leaderships over; the controller fences it when its heartbeats stop
 * ({@code broker.session.timeout.ms}) and moves them then. {@link #restartNode(int)} starts it again on its log directory.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
    /** How long a stopped node keeps its leaderships before the controller fences it. */
    public static final int SESSION_TIMEOUT_MS = 4000;

    private final Path dir;
    private final List<KafkaConfig> configs;
    private final List<Integer> brokerPorts;
    private final KafkaRaftServer[] servers;
    private boolean closed;

    private EmbeddedKafkaCluster(Path dir, List<KafkaConfig> configs, List<Integer> brokerPorts) {
        this.dir = dir;
        this.configs = configs;
        this.brokerPorts = brokerPorts;
        this.servers = new KafkaRaftServer[configs.size()];
    }

    /** Starts {@code nodes} nodes (at least 3) together; their data lives in a temporary directory removed on close. */
    public static EmbeddedKafkaCluster start(int nodes) {
        if (nodes < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 nodes, got " + nodes);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("kdstream-kafka-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded cluster", e);
        }
        List<Integer> brokerPorts = IntStream.range(0, nodes).mapToObj(i -> FreePorts.next()).toList();
        List<Integer> controllerPorts = IntStream.range(0, nodes).mapToObj(i -> FreePorts.next()).toList();
        String voters = IntStream.range(0, nodes).mapToObj(i -> nodeId(i) + "@127.0.0.1:" + controllerPorts.get(i)).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        List<KafkaConfig> configs = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Path logDir = dir.resolve("node-" + nodeId(i));
            configs.add(KafkaConfig.fromProps(nodeProperties(nodeId(i), nodes, logDir, brokerPorts.get(i), controllerPorts.get(i), voters), false));
            EmbeddedKafkaBroker.format(logDir, nodeId(i), clusterId, List.of());
        }
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(dir, configs, brokerPorts);
        long started = System.nanoTime();
        try {
            // together: a node's broker waits for the controller quorum, which needs a majority of the nodes up
            CompletableFuture.allOf(IntStream.range(0, nodes).mapToObj(i -> CompletableFuture.runAsync(() -> cluster.launch(i)))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            cluster.close();
            throw new IllegalStateException("the embedded Kafka cluster did not start: " + e.getMessage(), e);
        }
        log.info("Embedded Kafka cluster of {} nodes ready at {} in {} ms", nodes, cluster.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        return cluster;
    }

    private static int nodeId(int index) {
        return index + 1;
    }

    private static Properties nodeProperties(int nodeId, int nodes, Path logDir, int brokerPort, int controllerPort, String voters) {
        String replicas = Integer.toString(nodes);
        String minInSync = Integer.toString(nodes - 1);
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + EmbeddedKafkaBroker.CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", EmbeddedKafkaBroker.CONTROLLER_LISTENER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + EmbeddedKafkaBroker.CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minInSync);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minInSync);
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minInSync);
        p.put("controlled.shutdown.enable", "false");
        p.put("broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("log.cleaner.backoff.ms", "200");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("auto.create.topics.enable", "false");
        p.put("unclean.leader.election.enable", "false");
        p.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
        p.put("replica.fetch.max.bytes", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    private void launch(int index) {
        KafkaRaftServer server = new KafkaRaftServer(configs.get(index), Time.SYSTEM);
        server.startup();
        synchronized (this) {
            servers[index] = server;
        }
    }

    public String bootstrapServers() {
        return brokerPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** Stops node {@code nodeId} without controlled shutdown (see the class comment). */
    public void stopNode(int nodeId) {
        KafkaRaftServer server;
        synchronized (this) {
            server = servers[nodeId - 1];
            servers[nodeId - 1] = null;
        }
        if (server == null) {
            throw new IllegalStateException("node " + nodeId + " is not running");
        }
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka node {} stopped", nodeId);
    }

    /** Starts a stopped node again on its log directory, ports and settings. */
    public void restartNode(int nodeId) {
        synchronized (this) {
            if (closed || servers[nodeId - 1] != null) {
                throw new IllegalStateException("node " + nodeId + " is running, or the cluster is closed");
            }
        }
        long started = System.nanoTime();
        launch(nodeId - 1);
        log.info("Embedded Kafka node {} started again in {} ms", nodeId, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void close() {
        List<KafkaRaftServer> running = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < servers.length; i++) {
                if (servers[i] != null) {
                    running.add(servers[i]);
                    servers[i] = null;
                }
            }
        }
        running.forEach(KafkaRaftServer::shutdown);
        running.forEach(KafkaRaftServer::awaitShutdown);
        EmbeddedKafkaBroker.deleteRecursively(dir);
        log.info("Embedded Kafka cluster stopped");
    }
}
