package io.kdstream.evaluator.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kdstream.evaluator.leaderboard.JsonSerde;
import io.kdstream.evaluator.leaderboard.RunStanding;
import io.kdstream.evaluator.leaderboard.Standings;
import io.kdstream.evaluator.report.LeaderboardPage;
import io.kdstream.platform.http.HttpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The leaderboard over HTTP: {@code GET /} the HTML page (learning curves and table), {@code GET /api/leaderboard}
 * the standings as JSON. The JDK's own HTTP server: two read-only routes need no web framework.
 */
public final class LeaderboardHttp implements AutoCloseable {

    /** Where the standings come from; throws {@link Unavailable} while they cannot be read (the app is starting). */
    public interface Source {
        List<RunStanding> standings();
    }

    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(LeaderboardHttp.class);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "leaderboard-http");
        thread.setDaemon(true);
        return thread;
    });

    public LeaderboardHttp(String host, int port, int refreshSeconds, Source source) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/api/leaderboard", exchange -> respond(exchange, source,
                standings -> JsonSerde.JSON.writeValueAsString(standings), "application/json"));
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                HttpReply.send(exchange, 404, "text/plain", "no such page: " + exchange.getRequestURI().getPath() + " (try / or /api/leaderboard)");
                return;
            }
            respond(exchange, source, standings -> LeaderboardPage.render(standings, Instant.now(), refreshSeconds), "text/html");
        });
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private interface Renderer {
        String render(List<RunStanding> standings) throws IOException;
    }

    private static void respond(HttpExchange exchange, Source source, Renderer renderer, String contentType) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            HttpReply.send(exchange, 405, "text/plain", "only GET");
            return;
        }
        try {
            HttpReply.send(exchange, 200, contentType, renderer.render(Standings.sorted(source.standings())));
        } catch (Unavailable e) {
            HttpReply.send(exchange, 503, "text/plain", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("leaderboard request {} failed: {}", exchange.getRequestURI(), e.toString(), e);
            HttpReply.send(exchange, 500, "text/plain", "the leaderboard could not be rendered: " + e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
