package io.kdstream.cli.bench.distill;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.service.JvmProcess;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import io.micrometer.core.instrument.Timer;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One student run in its own JVM, so that its peak memory is its own: either the trainer service reading the logit
 * cache ({@link TrainerService}, through its public API only) or online full-vocabulary KD
 * ({@link OnlineDistillation}). When training ends it writes {@code steps}, the mean step time and the JVM's peak
 * resident set ({@code VmHWM} of {@code /proc/self/status}) to a result file; evaluation happens elsewhere.
 */
public final class StudentRunProcess {

    /** Settings key: {@code cached} (default) or {@code online}. */
    public static final String MODE = "kdstream.bench.distill.mode";
    /** Settings key: the teacher checkpoint an online run loads. */
    public static final String TEACHER = "kdstream.bench.distill.teacher";

    private StudentRunProcess() {
    }

    /** The heap every student JVM gets; the same for every run so their peak memory compares. */
    static final String HEAP = "-Xmx1g";

    public static Process start(Settings settings, Path dir, String runId, int threads) throws IOException {
        return JvmProcess.start(StudentRunProcess.class, settings, dir, runId, List.of(HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1"), resultFile(dir, runId).toString());
    }

    static Path resultFile(Path dir, String runId) {
        return dir.resolve(runId + ".result.properties");
    }

    /** What a run reports about itself. */
    public record Result(long steps, double stepMillis, long peakRssBytes, double trainSeconds) {

        static Result read(Path file) throws IOException {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            }
            return new Result(Long.parseLong(p.getProperty("steps")), Double.parseDouble(p.getProperty("step.millis")),
                    Long.parseLong(p.getProperty("peak.rss.bytes")), Double.parseDouble(p.getProperty("train.seconds")));
        }

        void write(Path file) throws IOException {
            Properties p = new Properties();
            p.setProperty("steps", Long.toString(steps));
            p.setProperty("step.millis", Double.toString(stepMillis));
            p.setProperty("peak.rss.bytes", Long.toString(peakRssBytes));
            p.setProperty("train.seconds", Double.toString(trainSeconds));
            try (Writer writer = Files.newBufferedWriter(file)) {
                p.store(writer, "student run result");
            }
        }
    }

    /** Runs one student with the settings {@code KDSTREAM_CONFIG} names; writes the result to {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromProcessEnvironment();
        long started = System.nanoTime();
        Result result = "online".equals(settings.string(MODE, "cached"))
                ? OnlineDistillation.run(settings, Path.of(settings.string(TEACHER, null)))
                : cached(settings);
        result = new Result(result.steps(), result.stepMillis(), peakRssBytes(), (System.nanoTime() - started) / 1e9);
        result.write(Path.of(args[0]));
        System.exit(0);
    }

    private static Result cached(Settings settings) throws Exception {
        TrainerConfig config = TrainerConfig.from(settings);
        TrainerService trainer = new TrainerService(config);
        try {
            trainer.start();
            while (!trainer.isStopped()) {
                Thread.sleep(100);
            }
            if (trainer.failure() != null) {
                throw new IllegalStateException("the trainer failed: " + trainer.failure(), trainer.failure());
            }
            TrainerService.Progress progress = trainer.progress();
            if (progress.step() < config.maxSteps()) {
                throw new IllegalStateException("the trainer stopped at step " + progress.step() + " of " + config.maxSteps());
            }
            Timer timer = Observability.registry().find("kdstream.trainer.step.time").tag("run", config.runId()).timer();
            double stepMillis = timer == null || timer.count() == 0 ? Double.NaN : timer.mean(TimeUnit.MILLISECONDS);
            return new Result(progress.step(), stepMillis, 0, 0);
        } finally {
            trainer.close();
        }
    }

    /** The peak resident set of this JVM so far ({@code VmHWM}), in bytes; -1 where /proc is not there. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
