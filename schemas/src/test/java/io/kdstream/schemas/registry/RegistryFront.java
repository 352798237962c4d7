package io.kdstream.schemas.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A front for the embedded registry, as a secured registry deployment has: over HTTP or HTTPS, it answers 401 to a
 * request without one of the accepted {@code Authorization} headers (none needed when the set is empty) and passes
 * the others through to the registry.
 */
final class RegistryFront implements AutoCloseable {

    private final HttpServer server;
    private final String registryPath;
    private final List<String> refused = new CopyOnWriteArrayList<>();

    private RegistryFront(HttpServer server, String registryUrl, Set<String> acceptedAuthorizations) {
        this.server = server;
        URI registry = URI.create(registryUrl);
        this.registryPath = registry.getPath();
        String upstream = registry.getScheme() + "://" + registry.getAuthority();
        HttpClient http = HttpClient.newHttpClient();
        server.createContext("/", exchange -> forward(exchange, http, upstream, acceptedAuthorizations));
        server.start();
    }

    static RegistryFront http(String registryUrl, Set<String> acceptedAuthorizations) throws IOException {
        return new RegistryFront(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), registryUrl, acceptedAuthorizations);
    }

    /** Over HTTPS; with {@code clientCertificates}, a client must show a certificate that {@code serverContext} trusts. */
    static RegistryFront https(String registryUrl, SSLContext serverContext, boolean clientCertificates) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = serverContext.getDefaultSSLParameters();
                ssl.setNeedClientAuth(clientCertificates);
                parameters.setSSLParameters(ssl);
            }
        });
        return new RegistryFront(server, registryUrl, Set.of());
    }

    /** The front's URL with the registry's API path, and {@code userInfo@} when given. */
    String url(String userInfo) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + server.getAddress().getPort() + registryPath;
    }

    /** The {@code Authorization} headers of the requests it refused ("null" for none). */
    List<String> refused() {
        return refused;
    }

    private void forward(HttpExchange exchange, HttpClient http, String upstream, Set<String> accepted) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (!accepted.isEmpty() && (authorization == null || !accepted.contains(authorization))) {
            refused.add(String.valueOf(authorization));
            respond(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            respond(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 502, new byte[0]);
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
