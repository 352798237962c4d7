package io.kdstream.platform.service;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.observability.StatusServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one service in the foreground until it ends or the process is asked to stop (SIGTERM, Ctrl-C). */
public final class ServiceRunner {

    private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

    private ServiceRunner() {
    }

    /** The port of the health and metrics endpoints; unset means none (as in the demo and tests). */
    public static final String HTTP_PORT = "kdstream.http.port";
    /** The address it listens on: loopback by default; containers set {@code 0.0.0.0} so probes and scrapers reach it. */
    public static final String HTTP_HOST = "kdstream.http.host";
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";

    /**
     * Runs the service; with {@value #HTTP_PORT} set, also serves {@code /health/live}, {@code /health/ready} and
     * {@code /metrics} for probes and scrapers.
     */
    public static void runUntilStopped(Service service, Settings settings) throws InterruptedException {
        int port = settings.integer(HTTP_PORT, -1);
        try (StatusServer status = port < 0 ? null : StatusServer.start(settings.string(HTTP_HOST, DEFAULT_HTTP_HOST), port, service)) {
            runUntilStopped(service);
        }
    }

    public static void runUntilStopped(Service service) throws InterruptedException {
        Thread hook = new Thread(service::close, service.name() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.start();
        log.info("{} running; stop it with Ctrl-C", service.name());
        service.awaitTermination();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already closing the service
        }
        service.close();
    }
}
