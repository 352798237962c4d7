package io.kdstream.cli.bench.soak;

import io.kdstream.cli.bench.BenchTeacher;
import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.Resources;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import io.micrometer.core.instrument.Timer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Continuous distillation for a while, measured: prompts stream into {@code kd.prompts} at a steady rate while the
 * router, two teacher workers, the trainer and the evaluator run in this JVM, as {@code kdstream demo} runs them; every
 * interval it takes the rates, each service's lag, the trainer's freshness and this process's memory (a full collection
 * at each interval's end measures the live heap). It fails as soon as any service stops.
 */
final class SoakRun {

    private static final int WORKERS = 2;

    private final Settings settings;
    private final SoakOptions options;
    private final Consumer<SoakInterval> onInterval;

    SoakRun(Settings settings, SoakOptions options, Consumer<SoakInterval> onInterval) {
        this.settings = settings;
        this.options = options;
        this.onInterval = onInterval;
    }

    SoakResult run() throws Exception {
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        Path teacher = BenchTeacher.untrainedDefault(options.workDir());
        String runId = "soak-" + System.currentTimeMillis();
        Settings teacherSettings = settings.with(Map.of("kdstream.teacher.checkpoint", teacher.toString(),
                "kdstream.teacher.group.id", "kdstream-bench-" + runId));
        TeacherWorkerConfig workerConfig = TeacherWorkerConfig.from(teacherSettings);
        String fingerprint = TeacherBackends.fingerprintOf(workerConfig, Tokenizers.load(workerConfig.tokenizer()));
        Settings services = teacherSettings.with(Map.ofEntries(
                Map.entry("kdstream.router.teacher.fingerprint", fingerprint),
                Map.entry("state.dir", options.workDir().resolve("streams-state").toString()),
                Map.entry("kdstream.trainer.run.id", runId),
                Map.entry("kdstream.trainer.steps", Long.toString(1_000_000_000L)), // the soak's duration ends the run
                Map.entry("kdstream.trainer.checkpoint.every", Long.toString(options.checkpointEvery())),
                Map.entry("kdstream.trainer.checkpoint.dir", options.workDir().resolve("checkpoints").toString()),
                Map.entry("kdstream.trainer.teacher.fingerprint", fingerprint),
                Map.entry("kdstream.trainer.min.examples", "32"),
                Map.entry("kdstream.evaluator.max.examples", Integer.toString(options.heldOutPrompts())),
                Map.entry("kdstream.evaluator.group.id", "kdstream-bench-evaluator-" + runId)));
        CacheRouterConfig routerConfig = CacheRouterConfig.from(services);
        EvaluatorConfig evaluatorConfig = EvaluatorConfig.from(services);
        SoakPromptIds ids = new SoakPromptIds(runId);
        Freshness freshness = new Freshness(ids);
        List<TeacherWorker> workers = new ArrayList<>();
        List<String> instances = new ArrayList<>();
        CacheRouter router = new CacheRouter(routerConfig);
        TrainerService trainer = null;
        EvaluatorService evaluator = null;
        PromptProducer producer = null;
        PromptStream prompts = null;
        CommittedLogitsWatch watch = null;
        try (ConsumerLags lags = new ConsumerLags(client)) {
            watch = new CommittedLogitsWatch(client, freshness);
            producer = new PromptProducer(PromptProducerConfig.from(services));
            prompts = new PromptStream(producer, freshness, ids, options.promptsPerSecond());
            prompts.sendHeldOut(options.heldOutPrompts());
            router.start();
            for (int i = 1; i <= WORKERS; i++) {
                String instance = runId + "-" + i;
                TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(services), instance);
                workers.add(worker);
                instances.add(instance);
                worker.start();
            }
            trainer = new TrainerService(TrainerConfig.from(services));
            trainer.observeDraws(promptId -> freshness.drawn(promptId, System.nanoTime()));
            trainer.start();
            evaluator = new EvaluatorService(evaluatorConfig);
            evaluator.start();
            prompts.start();
            long started = System.nanoTime();
            List<SoakInterval> intervals = new ArrayList<>();
            Counts last = new Counts(0, 0, 0, 0, 0, 0);
            for (long end = options.interval().toNanos(); end <= options.duration().toNanos(); end += options.interval().toNanos()) {
                awaitUntil(started + end, workers, trainer, evaluator, prompts, watch);
                Counts now = new Counts(freshness.producedCount(), workers.stream().mapToLong(TeacherWorker::published).sum(),
                        trainer.progress().step(), evaluator.published(), batchCount(instances), batchMillis(instances));
                double seconds = options.interval().toNanos() / 1e9;
                SoakInterval interval = new SoakInterval(end / 1e9, (now.prompts - last.prompts) / seconds, (now.logits - last.logits) / seconds,
                        (now.steps - last.steps) / seconds, now.evaluations - last.evaluations,
                        lags.lag(routerConfig.applicationId(), TopicCatalogue.PROMPTS.name(), TopicCatalogue.PROMPTS.partitions()),
                        lags.lag(workerConfig.groupId(), TopicCatalogue.TEACHER_REQUESTS.name(), TopicCatalogue.TEACHER_REQUESTS.partitions()),
                        trainer.progress().lag(),
                        lags.lag(evaluatorConfig.groupId(), TopicCatalogue.CHECKPOINTS.name(), TopicCatalogue.CHECKPOINTS.partitions()),
                        freshness.takeWindow(),
                        now.batches == last.batches ? Double.NaN : (now.batchMillis - last.batchMillis) / (now.batches - last.batches),
                        ProcessMemory.measure());
                intervals.add(interval);
                onInterval.accept(interval);
                last = now;
            }
            return new SoakResult(runId, intervals, freshness.producedCount(), freshness.committedCount(), freshness.drawnCount(),
                    freshness.duplicateCommits(), trainer.progress().step(), trainer.progress().checkpoints(), evaluator.published(),
                    freshness.overall(), freshness.inFlight());
        } finally {
            Resources.closeAll("soak", prompts, watch, producer);
            Resources.closeAll("soak", evaluator, trainer);
            Resources.closeAll("soak", workers.toArray(AutoCloseable[]::new));
            Resources.closeAll("soak", router);
        }
    }

    /** Cumulative counts at an interval's end. */
    private record Counts(long prompts, long logits, long steps, long evaluations, long batches, double batchMillis) {
    }

    private static void awaitUntil(long deadline, List<TeacherWorker> workers, TrainerService trainer, EvaluatorService evaluator,
                                   PromptStream prompts, CommittedLogitsWatch watch) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            for (LoopService service : concat(workers, trainer, evaluator)) {
                if (service.isStopped()) {
                    throw new IllegalStateException(service.name() + " stopped during the soak"
                            + (service.failure() == null ? "" : ": " + service.failure()), service.failure());
                }
            }
            Throwable failed = prompts.failure() != null ? prompts.failure() : watch.failure();
            if (failed != null) {
                throw new IllegalStateException("the soak's own " + (prompts.failure() != null ? "prompt stream" : "logits reader")
                        + " failed: " + failed, failed);
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(200_000_000L, Math.max(0, deadline - System.nanoTime())));
        }
    }

    private static List<LoopService> concat(List<TeacherWorker> workers, TrainerService trainer, EvaluatorService evaluator) {
        List<LoopService> services = new ArrayList<>(workers);
        services.add(trainer);
        services.add(evaluator);
        return services;
    }

    private static List<Timer> batchTimers(List<String> instances) {
        return Observability.registry().find("kdstream.teacher.batch.latency").timers().stream()
                .filter(timer -> instances.contains(timer.getId().getTag("instance"))).toList();
    }

    private static long batchCount(List<String> instances) {
        return batchTimers(instances).stream().mapToLong(Timer::count).sum();
    }

    private static double batchMillis(List<String> instances) {
        return batchTimers(instances).stream().mapToDouble(timer -> timer.totalTime(TimeUnit.MILLISECONDS)).sum();
    }
}
