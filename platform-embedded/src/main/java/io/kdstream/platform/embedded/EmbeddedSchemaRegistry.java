package io.kdstream.platform.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Apicurio Registry, started as a child process on loopback with BACKWARD compatibility, speaking the
 * Confluent schema-registry API at {@link #url()}. A watchdog process stops it if this JVM dies without closing it.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Process watchdog;
    private final int port;
    private final Path logFile;
    private boolean closed;

    private EmbeddedSchemaRegistry(Process process, Process watchdog, int port, Path logFile) {
        this.process = process;
        this.watchdog = watchdog;
        this.port = port;
        this.logFile = logFile;
    }

    /** Starts a registry with in-memory storage; {@code kdstreamHome} holds the unpacked distribution. */
    public static EmbeddedSchemaRegistry start(Path kdstreamHome) {
        Path jar = RegistryDistribution.runnerJar(kdstreamHome);
        int port = FreePorts.next();
        int managementPort = FreePorts.next();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-Dapicurio.rules.global.compatibility=BACKWARD",
                "-Dquarkus.log.level=WARN",
                "-jar", jar.toString()));
        try {
            Path logFile = Files.createTempFile("kdstream-registry-", ".log");
            long started = System.nanoTime();
            Process process = new ProcessBuilder(command)
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            Process watchdog = startWatchdog(process.pid());
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(process, watchdog, port, logFile);
            Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "kdstream-registry-shutdown"));
            registry.awaitReady();
            log.info("Embedded schema registry (Apicurio {}) ready at {} in {} ms", RegistryDistribution.VERSION,
                    registry.url(), (System.nanoTime() - started) / 1_000_000);
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry " + jar, e);
        }
    }

    /** Kills the registry when this JVM goes away, even by SIGKILL, so no registry outlives its parent. */
    private static Process startWatchdog(long childPid) throws IOException {
        long parentPid = ProcessHandle.current().pid();
        String script = "tail --pid=" + parentPid + " -f /dev/null; kill " + childPid + " 2>/dev/null; sleep 5; kill -9 " + childPid + " 2>/dev/null";
        return new ProcessBuilder("setsid", "sh", "-c", script)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                close();
                throw new IllegalStateException("the schema registry exited with code " + process.exitValue()
                        + " before it was ready; its log: " + logFile + "\n" + tailOfLog());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("the schema registry was not ready within " + READY_TIMEOUT.toSeconds() + " s; its log: " + logFile);
    }

    private String tailOfLog() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The Confluent-compatible API, what clients take as {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        watchdog.destroy();
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException ignored) {
            // a temp file; the OS cleans it eventually
        }
        log.info("Embedded schema registry stopped");
    }
}
