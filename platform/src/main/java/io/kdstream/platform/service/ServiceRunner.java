package io.kdstream.platform.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one service in the foreground until it ends or the process is asked to stop (SIGTERM, Ctrl-C). */
public final class ServiceRunner {

    private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

    private ServiceRunner() {
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
