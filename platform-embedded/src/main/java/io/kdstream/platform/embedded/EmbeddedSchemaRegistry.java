package io.kdstream.platform.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A real Apicurio Registry, started as a child process on loopback with BACKWARD compatibility, speaking the
 * Confluent schema-registry API at {@link #url()}. A watchdog process stops it if this JVM dies without closing it.
 *
 * <p>Its storage is Apicurio's SQL storage on H2: in memory by default, or in files of a directory
 * ({@link #start(Path, Path)}), which a registry {@link #stop() stopped} and {@link #restart() restarted} on the same
 * port finds again, with the same schema ids: what a registry outage looks like to the services that use it.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final List<String> command;
    private final Path workingDirectory;
    private final int port;
    private final Path logFile;
    /** The private directory of the users file, or null without authentication. */
    private final Path usersDirectory;
    /** The Authorization header of the readiness probe, or null. */
    private final String readinessAuthorization;
    private Process process;
    private Process watchdog;
    private boolean closed;

    private EmbeddedSchemaRegistry(List<String> command, Path workingDirectory, int port, Path logFile, Path usersDirectory,
                                   String readinessAuthorization) {
        this.command = command;
        this.workingDirectory = workingDirectory;
        this.port = port;
        this.logFile = logFile;
        this.usersDirectory = usersDirectory;
        this.readinessAuthorization = readinessAuthorization;
    }

    /** Starts a registry with in-memory storage; {@code kdstreamHome} holds the unpacked distribution. */
    public static EmbeddedSchemaRegistry start(Path kdstreamHome) {
        return start(kdstreamHome, null, Map.of());
    }

    /**
     * Starts a registry that keeps its schemas in H2 files under {@code dataDirectory} (null: in memory), so that
     * {@link #restart()} finds them again.
     */
    public static EmbeddedSchemaRegistry start(Path kdstreamHome, Path dataDirectory) {
        return start(kdstreamHome, dataDirectory, Map.of());
    }

    /**
     * Starts a registry (in-memory storage) that answers only requests with HTTP basic credentials of one of
     * {@code users} (name to password; the first one's are used to see that it is up): Quarkus's own user store, no
     * identity server. Every user may do everything: the registry has no rules per subject. The users and passwords
     * are in a file only this OS user can read, named on the command line (not the passwords: {@code ps} shows those).
     */
    public static EmbeddedSchemaRegistry startWithBasicAuth(Path kdstreamHome, Map<String, String> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a registry with basic authentication needs at least one user");
        }
        return start(kdstreamHome, null, users);
    }

    private static EmbeddedSchemaRegistry start(Path kdstreamHome, Path dataDirectory, Map<String, String> users) {
        Path jar = RegistryDistribution.runnerJar(kdstreamHome);
        int port = FreePorts.next();
        int managementPort = FreePorts.next();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-Dapicurio.rules.global.compatibility=BACKWARD",
                "-Dquarkus.log.level=WARN"));
        if (dataDirectory != null) {
            // Apicurio's default storage is SQL on an in-memory H2 database; the same on H2 files outlives the process
            command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve("registry"));
        }
        try {
            Path usersDirectory = null;
            String readiness = null;
            if (!users.isEmpty()) {
                usersDirectory = Files.createTempDirectory("kdstream-registry-users-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                command.add("-Dquarkus.config.locations=" + writeUsers(usersDirectory.resolve("users.properties"), users).toUri());
                Map.Entry<String, String> first = users.entrySet().iterator().next();
                readiness = "Basic " + Base64.getEncoder().encodeToString((first.getKey() + ":" + first.getValue()).getBytes(StandardCharsets.UTF_8));
            }
            command.addAll(List.of("-jar", jar.toString()));
            Path logFile = Files.createTempFile("kdstream-registry-", ".log");
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(List.copyOf(command), jar.getParent(), port, logFile, usersDirectory, readiness);
            Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "kdstream-registry-shutdown"));
            registry.launch();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry " + jar, e);
        }
    }

    /** Quarkus's settings for basic authentication against its embedded user store, readable by this OS user only. */
    private static Path writeUsers(Path file, Map<String, String> users) throws IOException {
        StringBuilder settings = new StringBuilder()
                .append("quarkus.http.auth.basic=true\n")
                .append("quarkus.security.users.embedded.enabled=true\n")
                .append("quarkus.security.users.embedded.plain-text=true\n")
                .append("quarkus.http.auth.permission.registry.paths=/*\n")
                .append("quarkus.http.auth.permission.registry.policy=authenticated\n");
        users.forEach((name, password) -> settings.append("quarkus.security.users.embedded.users.").append(name).append('=').append(password).append('\n'));
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, settings);
    }

    /** Starts the process and waits until it answers; the log file is appended to, so a restart keeps the first run's log. */
    private synchronized void launch() throws IOException {
        long started = System.nanoTime();
        process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        watchdog = startWatchdog(process.pid());
        awaitReady();
        log.info("Embedded schema registry (Apicurio {}) ready at {} in {} ms", RegistryDistribution.VERSION, url(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Stops the registry process (as an outage would); {@link #restart()} starts it again on the same port. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
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
        process = null;
        log.info("Embedded schema registry at {} stopped", url());
    }

    /** Starts a stopped registry again on the same port, with the schemas its storage kept (all of them with file storage). */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the schema registry at " + url() + " is closed");
        }
        stop();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the schema registry at " + url(), e);
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2)).GET();
        if (readinessAuthorization != null) {
            request.header("Authorization", readinessAuthorization);
        }
        HttpRequest probe = request.build();
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
        stop();
        try {
            Files.deleteIfExists(logFile);
            if (usersDirectory != null) {
                Files.deleteIfExists(usersDirectory.resolve("users.properties"));
                Files.deleteIfExists(usersDirectory);
            }
        } catch (IOException ignored) {
            // a temp file; the OS cleans it eventually
        }
        log.info("Embedded schema registry closed");
    }
}
