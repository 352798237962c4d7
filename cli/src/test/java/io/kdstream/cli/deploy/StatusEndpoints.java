package io.kdstream.cli.deploy;

import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.StatusServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The status server every kdstream service runs (platform's StatusServer, as ServiceRunner starts it), in front of
 * a real service whose readiness the test controls: it opens only when {@link #open()} is called. Probe paths and
 * ports in the deployment files are checked against what this server answers, not against a copy of its paths.
 */
final class StatusEndpoints implements AutoCloseable {

    private final GatedService service = new GatedService();
    private final StatusServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    StatusEndpoints() {
        service.start();
        server = StatusServer.start("127.0.0.1", 0, service);
    }

    int port() {
        return server.port();
    }

    /** Lets the service finish opening: it is ready from then on. */
    void open() throws InterruptedException {
        service.gate.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!service.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the service did not become ready");
            }
            Thread.sleep(10);
        }
    }

    int status(String path) throws Exception {
        return get(path).statusCode();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
        service.gate.countDown();
        service.close();
    }

    /** A LoopService that waits to be let open, then idles: alive from the start, ready once open. */
    private static final class GatedService extends LoopService {
        private final CountDownLatch gate = new CountDownLatch(1);

        GatedService() {
            super("deploy-test-service");
        }

        @Override
        protected void open() throws InterruptedException {
            gate.await();
        }

        @Override
        protected boolean runOnce() throws InterruptedException {
            Thread.sleep(20);
            return true;
        }

        @Override
        protected void release() {
        }
    }
}
