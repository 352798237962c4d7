package io.kdstream.platform.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kdstream.platform.http.HttpReply;
import io.kdstream.platform.observability.Observability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * A service's HTTP face for probes and scrapers: {@code /health/live} (200 while the service has not failed),
 * {@code /health/ready} (200 once it is doing its work) and {@code /metrics} (Prometheus text format). The JDK's own
 * HTTP server: three plain endpoints need no framework.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    private final HttpServer server;

    private StatusServer(HttpServer server) {
        this.server = server;
    }

    public static StatusServer start(String host, int port, Service service) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            server.createContext("/health/live", exchange -> probe(exchange, service::isAlive));
            server.createContext("/health/ready", exchange -> probe(exchange, service::isReady));
            server.createContext("/metrics", exchange -> HttpReply.send(exchange, 200, "text/plain; version=0.0.4", Observability.scrape()));
            server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, service.name() + "-status");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            log.info("{}: health and metrics on http://{}:{}/ (health/live, health/ready, metrics)", service.name(), host, server.getAddress().getPort());
            return new StatusServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health and metrics on " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
        boolean ok = check.getAsBoolean();
        HttpReply.send(exchange, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "not ok\n");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
