package io.kdstream.platform.service;

/**
 * A kdstream service: {@link #start()} returns once it is running in its own thread(s); {@link #close()} stops it
 * and releases everything it holds. {@link #awaitTermination()} returns when it has stopped by itself (end of
 * input, a fatal error) or been closed.
 */
public interface Service extends AutoCloseable {

    String name();

    void start();

    void awaitTermination() throws InterruptedException;

    /** Liveness: false once the service has stopped on an error (a restart may help). */
    boolean isAlive();

    /** Readiness: true while the service is doing its work (connected, assigned, running). */
    boolean isReady();

    @Override
    void close();
}
