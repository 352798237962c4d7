package io.kdstream.cli.bench;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.JvmProcess;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.MathPrompts;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.backend.TeacherBackend;
import io.kdstream.teacher.serve.TeacherServer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One teacher in this JVM and the same teacher served by {@code serve-teacher} in a JVM of its own, scoring the same
 * sequences the way a worker does (batches of the worker's token budget; a served batch goes out as one request a
 * sequence, {@code inFlight} at a time), in alternated rounds. The client's CPU is this JVM's CPU time while the
 * served phases run (the server's is in the other process); the teacher's, this JVM's while the in-process phase runs.
 */
final class TeacherBackendsBenchmark {

    /** The worker's default token budget of one forward pass ({@code kdstream.teacher.batch.tokens}). */
    private static final int BATCH_TOKENS = 4096;
    private static final int K = 16;

    /** One phase of one round: sequences a second, and CPU seconds this JVM spent a sequence. */
    record Phase(String name, int inFlight, double sequencesPerSecond, double cpuSecondsPerSequence) {
    }

    private final Path workDir;
    private final int sequences;
    private final List<Integer> inFlight;

    TeacherBackendsBenchmark(Path workDir, int sequences, List<Integer> inFlight) {
        this.workDir = workDir;
        this.sequences = sequences;
        this.inFlight = inFlight;
    }

    /** {@code rounds} rounds of: in-process, then served at each number in flight. */
    List<List<Phase>> run(int rounds) throws Exception {
        Path teacher = BenchTeacher.untrainedDefault(workDir);
        List<int[]> tokens = sequences();
        int port = freePort();
        Process server = startServer(teacher, port);
        try {
            awaitServer(port, server);
            Settings inProcess = Settings.of(Map.of("kdstream.teacher.checkpoint", teacher.toString(), "kdstream.teacher.device", "cpu"));
            List<List<Phase>> results = new ArrayList<>();
            try (TeacherBackend local = open(inProcess)) {
                List<TeacherBackend> served = new ArrayList<>();
                try {
                    for (int n : inFlight) {
                        served.add(open(Settings.of(Map.of("kdstream.teacher.backend", "vllm",
                                "kdstream.teacher.served.url", "http://127.0.0.1:" + port,
                                "kdstream.teacher.served.max.in.flight", Integer.toString(n)))));
                    }
                    measure("warm-up", 0, local, tokens.subList(0, Math.min(64, tokens.size())));
                    served.forEach(backend -> measure("warm-up", 0, backend, tokens.subList(0, Math.min(64, tokens.size()))));
                    for (int round = 0; round < rounds; round++) {
                        List<Phase> phases = new ArrayList<>();
                        phases.add(measure("in-process", 0, local, tokens));
                        for (int i = 0; i < inFlight.size(); i++) {
                            phases.add(measure("served", inFlight.get(i), served.get(i), tokens));
                        }
                        results.add(phases);
                        System.err.printf("round %d: %s%n", round + 1, phases);
                    }
                } finally {
                    served.forEach(TeacherBackend::close);
                }
            }
            return results;
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static TeacherBackend open(Settings settings) throws Exception {
        return TeacherBackends.open(TeacherWorkerConfig.from(settings), new CharTokenizer());
    }

    /** The worker's loop over one poll's worth of requests: batches up to the token budget, scored in order. */
    private static Phase measure(String name, int inFlight, TeacherBackend teacher, List<int[]> tokens) {
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        List<int[]> batch = new ArrayList<>();
        int batchTokens = 0;
        for (int[] sequence : tokens) {
            if (!batch.isEmpty() && batchTokens + sequence.length > BATCH_TOKENS) {
                teacher.topK(batch, K);
                batch.clear();
                batchTokens = 0;
            }
            batch.add(sequence);
            batchTokens += sequence.length;
        }
        teacher.topK(batch, K);
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
        return new Phase(name, inFlight, tokens.size() / seconds, cpu / tokens.size());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private List<int[]> sequences() {
        CharTokenizer tokenizer = new CharTokenizer();
        List<int[]> out = new ArrayList<>();
        for (MathProblemGenerator.MathProblem problem : new MathProblemGenerator(11).generate(sequences, Split.TRAIN)) {
            Prompt prompt = MathPrompts.toPrompt(problem, "bench");
            out.add(tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse()).tokens());
        }
        return out;
    }

    /** serve-teacher in its own JVM with this JVM's torch threads, so that the two teachers run alike. */
    private Process startServer(Path teacher, int port) throws IOException {
        String threads = System.getProperty("ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Settings settings = Settings.of(Map.of("kdstream.serve.checkpoint", teacher.toString(), "kdstream.serve.port", Integer.toString(port),
                "kdstream.serve.device", "cpu"));
        return JvmProcess.start(TeacherServer.class, settings, workDir, "serve-teacher", List.of("-Xmx1g", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"));
    }

    private void awaitServer(int port, Process server) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("serve-teacher exited; see " + workDir.resolve("serve-teacher.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("serve-teacher did not answer within 120 s; see " + workDir.resolve("serve-teacher.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
