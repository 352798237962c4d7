package io.kdstream.platform.service;

import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.config.Validators;
import io.kdstream.platform.observability.StatusServer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
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

    /** The status endpoints' settings, which every long-running service takes. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(HTTP_PORT, Type.INT, null, Validators.between(0, 65535), Importance.MEDIUM,
                    "port of /health/live, /health/ready and /metrics (Prometheus); unset: no status endpoints (0 picks a free one)")
            .define(HTTP_HOST, Type.STRING, DEFAULT_HTTP_HOST, Importance.LOW,
                    "address the status endpoints listen on (images and manifests set 0.0.0.0 so probes and scrapers reach it)");

    /**
     * Runs the service; with {@value #HTTP_PORT} set, also serves {@code /health/live}, {@code /health/ready} and
     * {@code /metrics} for probes and scrapers.
     */
    public static void runUntilStopped(Service service, Settings settings) throws InterruptedException {
        ConfigValues values = ConfigValues.read(DEFINITION, settings);
        Integer port = values.integer(HTTP_PORT);
        try (StatusServer status = port == null ? null : StatusServer.start(values.string(HTTP_HOST), port, service)) {
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
