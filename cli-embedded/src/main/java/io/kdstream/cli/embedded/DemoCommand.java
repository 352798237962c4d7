package io.kdstream.cli.embedded;

import ch.qos.logback.classic.Level;
import io.kdstream.cli.PluggedCommand;
import io.kdstream.cli.demo.DemoOptions;
import io.kdstream.cli.demo.DemoPipeline;
import io.kdstream.cli.teacher.TeacherRecipe;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.schemas.avro.EvalResult;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream demo}: the whole pipeline on an embedded broker and registry. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline on an embedded Kafka broker and schema registry: generated math data, "
                + "a teacher (trained once if missing), two teacher workers, the student trainer and the evaluator.")
public final class DemoCommand implements Callable<Integer>, PluggedCommand {

    @Option(names = "--train", defaultValue = "2000", description = "training problems (default: ${DEFAULT-VALUE})")
    int train;

    @Option(names = "--test", defaultValue = "100", description = "held-out problems scored per checkpoint (default: ${DEFAULT-VALUE})")
    int test;

    @Option(names = "--student-steps", defaultValue = "1500", description = "student training steps (default: ${DEFAULT-VALUE})")
    long studentSteps;

    @Option(names = "--checkpoint-every", defaultValue = "300", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    long checkpointEvery;

    @Option(names = "--teacher-steps", defaultValue = "" + TeacherRecipe.DEFAULT_STEPS, description = "teacher SFT steps if it must be trained (default: ${DEFAULT-VALUE})")
    long teacherSteps;

    @Option(names = "--workers", defaultValue = "2", description = "teacher workers (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--teacher", defaultValue = "in-process", description = "in-process (each worker runs the teacher) or served "
            + "(serve-teacher on loopback, the workers its vLLM clients over HTTP) (default: ${DEFAULT-VALUE})")
    String teacherMode;

    @Override
    public Integer call() throws Exception {
        long started = System.currentTimeMillis();
        quietServiceLogs();
        Path workDir = Files.createTempDirectory("kdstream-demo-");
        Path teacher = new TeacherRecipe(teacherSteps, 7).cachedCheckpoint();
        if (!teacherMode.equals("in-process") && !teacherMode.equals("served")) {
            System.err.println("--teacher is in-process or served, not " + teacherMode);
            return 2;
        }
        DemoOptions options = new DemoOptions(train, test, teacher, teacherSteps, studentSteps, checkpointEvery, workers, workDir,
                teacherMode.equals("served"));
        System.err.println("Starting an embedded Kafka broker and schema registry...");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome())) {
            Settings settings = Settings.of(Map.of(
                    Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
            DemoPipeline.Outcome outcome = new DemoPipeline(settings, options).run();
            printTable(outcome);
        }
        System.out.printf("Checkpoints in %s; demo took %.0f s.%n", workDir.resolve("checkpoints"), (System.currentTimeMillis() - started) / 1000.0);
        return 0;
    }

    /** The progress bar and the table tell the story; service logs stay at WARN unless KDSTREAM_LOG_LEVEL says otherwise. */
    private static void quietServiceLogs() {
        if (System.getenv("KDSTREAM_LOG_LEVEL") == null
                && LoggerFactory.getLogger("io.kdstream") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(Level.WARN);
        }
    }

    private static void printTable(DemoPipeline.Outcome outcome) {
        System.out.println();
        System.out.printf("Run %s: %d prompts, %d teacher logit records (teacher %s)%n", outcome.runId(), outcome.promptsSent(),
                outcome.logitsPublished(), outcome.teacherFingerprint());
        System.out.printf("%-8s %-12s %-12s %-10s %-18s %s%n", "step", "status", "exact match", "examples", "answer CE (nats)", "checkpoint");
        for (EvalResult result : outcome.evaluations()) {
            System.out.printf("%-8d %-12s %-12s %-10d %-18s %s%n", result.getStep(), result.getStatus(),
                    result.getExactMatch() == null ? "-" : String.format("%.3f", result.getExactMatch()),
                    result.getExamples(),
                    result.getAnswerCrossEntropy() == null ? "-" : String.format("%.4f", result.getAnswerCrossEntropy()),
                    Path.of(URI.create(result.getCheckpointUri())).getFileName());
        }
    }
}
