package io.kdstream.cli.demo;

import io.kdstream.cli.progress.Progress;
import io.kdstream.cli.teacher.TeacherRecipe;
import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.Resources;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.MathPrompts;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.serve.TeacherServer;
import io.kdstream.teacher.serve.TeacherServerConfig;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The whole pipeline on one Kafka cluster: generated SDG prompts, a teacher (trained first if missing), the cache
 * router, teacher workers filling the logit cache, the student trainer and the evaluator, all running at once as they would in
 * production. Returns the evaluations of every student checkpoint.
 */
public final class DemoPipeline {

    private static final Duration EVAL_WAIT = Duration.ofMinutes(5);

    private final Settings settings;
    private final DemoOptions options;
    /** Each service's own client settings over the shared ones (its principal's credentials on a secured cluster). */
    private final Function<String, Map<String, String>> serviceClients;

    public DemoPipeline(Settings settings, DemoOptions options) {
        this(settings, options, service -> Map.of());
    }

    /** @param serviceClients by service name ({@code CacheRouter.SERVICE}...), what its clients set beyond {@code settings} */
    public DemoPipeline(Settings settings, DemoOptions options, Function<String, Map<String, String>> serviceClients) {
        this.settings = settings;
        this.options = options;
        this.serviceClients = serviceClients;
    }

    private Settings as(String service, Settings shared) {
        return shared.with(serviceClients.apply(service));
    }

    public record Outcome(String runId, String teacherFingerprint, List<String> promptIds, long logitsPublished, List<EvalResult> evaluations) {

        public int promptsSent() {
            return promptIds.size();
        }
    }

    public Outcome run() throws Exception {
        TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        List<String> promptIds = produceSyntheticData();
        int sent = promptIds.size();
        prepareTeacher();
        TeacherServer server = options.servedTeacher() ? serveTeacher() : null;
        Settings teacherSettings = settings.with(server == null
                ? Map.of("kdstream.teacher.checkpoint", options.teacherCheckpoint().toString())
                : Map.of("kdstream.teacher.backend", "vllm", "kdstream.teacher.served.url", server.url()));
        String teacherFingerprint;
        try {
            TeacherWorkerConfig teacher = TeacherWorkerConfig.from(teacherSettings);
            teacherFingerprint = TeacherBackends.fingerprintOf(teacher, Tokenizers.load(teacher.tokenizer()));
        } catch (Exception | Error e) {
            Resources.closeAll("demo", server);
            throw e;
        }
        String runId = "demo-" + System.currentTimeMillis();
        Settings services = teacherSettings.with(Map.ofEntries(
                Map.entry("kdstream.router.teacher.fingerprint", teacherFingerprint),
                Map.entry("state.dir", options.workDir().resolve("streams-state").toString()),
                Map.entry("kdstream.trainer.run.id", runId),
                Map.entry("kdstream.trainer.steps", Long.toString(options.studentSteps())),
                Map.entry("kdstream.trainer.checkpoint.every", Long.toString(options.checkpointEvery())),
                Map.entry("kdstream.trainer.checkpoint.dir", options.workDir().resolve("checkpoints").toString()),
                Map.entry("kdstream.trainer.teacher.fingerprint", teacherFingerprint),
                Map.entry("kdstream.trainer.min.examples", Integer.toString(Math.min(64, options.trainPrompts()))),
                Map.entry("kdstream.evaluator.max.examples", Integer.toString(options.testPrompts()))));
        List<TeacherWorker> workers = new ArrayList<>();
        CacheRouter router = new CacheRouter(CacheRouterConfig.from(as(CacheRouter.SERVICE, services)));
        TrainerService trainer = null;
        EvaluatorService evaluator = null;
        try {
            router.start();
            for (int i = 1; i <= options.workers(); i++) {
                TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(as(TeacherWorker.SERVICE, services)), Integer.toString(i));
                workers.add(worker);
                worker.start();
            }
            trainer = new TrainerService(TrainerConfig.from(as(TrainerService.SERVICE, services)));
            trainer.start();
            evaluator = new EvaluatorService(EvaluatorConfig.from(as(EvaluatorService.SERVICE, services)));
            evaluator.start();
            watchTraining(workers, trainer, evaluator, sent);
            List<EvalResult> evaluations = awaitEvaluations(trainer, evaluator, runId);
            long published = workers.stream().mapToLong(TeacherWorker::published).sum();
            return new Outcome(runId, teacherFingerprint, promptIds, published, evaluations);
        } finally {
            Resources.closeAll("demo", evaluator, trainer);
            Resources.closeAll("demo", workers.toArray(AutoCloseable[]::new));
            Resources.closeAll("demo", router, server);
        }
    }

    private List<String> produceSyntheticData() {
        MathProblemGenerator generator = new MathProblemGenerator(1);
        List<Prompt> prompts = Stream.concat(
                        generator.generate(options.trainPrompts(), Split.TRAIN).stream(),
                        generator.generate(options.testPrompts(), Split.TEST).stream())
                .map(problem -> MathPrompts.toPrompt(problem, "kdstream-demo"))
                .toList();
        try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(as(PromptProducer.SERVICE, settings)))) {
            producer.send(prompts);
        }
        System.err.printf("Sent %d train and %d test math problems to %s%n", options.trainPrompts(), options.testPrompts(), TopicCatalogue.PROMPTS.name());
        return prompts.stream().map(Prompt::getId).toList();
    }

    private void prepareTeacher() throws Exception {
        if (!Files.exists(options.teacherCheckpoint())) {
            System.err.println("No teacher at " + options.teacherCheckpoint() + ": training one (once; it is kept for later runs)");
            TeacherRecipe.Result result = new TeacherRecipe(options.teacherSteps(), 7).train(options.teacherCheckpoint());
            System.err.printf("Teacher trained: exact match %.3f on %d test problems%n", result.testExactMatch(), result.testExamples());
        }
    }

    /** {@code serve-teacher} on a free loopback port: the workers reach the teacher through vLLM's API. */
    private TeacherServer serveTeacher() {
        TeacherServer server = new TeacherServer(TeacherServerConfig.from(Settings.of(Map.of(
                "kdstream.serve.checkpoint", options.teacherCheckpoint().toString(), "kdstream.serve.port", "0"))));
        server.start();
        System.err.println("Teacher served by serve-teacher at " + server.url() + " (vLLM's /v1/completions); the workers are its clients");
        return server;
    }

    private void watchTraining(List<TeacherWorker> workers, TrainerService trainer, EvaluatorService evaluator, int prompts) throws InterruptedException {
        try (ProgressBar bar = Progress.bar("student KD+SFT", options.studentSteps(), "steps")) {
            while (true) {
                failIfStopped(workers, trainer, evaluator);
                TrainerService.Progress progress = trainer.progress();
                long logits = workers.stream().mapToLong(TeacherWorker::published).sum();
                bar.stepTo(progress.step());
                bar.setExtraMessage(String.format(" logits %d/%d cached %d ckpts %d evals %d",
                        logits, prompts, progress.cachedExamples(), progress.checkpoints(), evaluator.published()));
                // Done when the student has finished and every prompt has its teacher logits in the cache.
                if (progress.step() >= options.studentSteps() && trainer.isStopped() && logits >= prompts) {
                    return;
                }
                Thread.sleep(200);
            }
        }
    }

    private List<EvalResult> awaitEvaluations(TrainerService trainer, EvaluatorService evaluator, String runId) throws InterruptedException {
        long checkpoints = trainer.progress().checkpoints();
        long deadline = System.nanoTime() + EVAL_WAIT.toNanos();
        while (evaluator.published() < checkpoints) {
            if (evaluator.isStopped() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the evaluator published " + evaluator.published() + " of " + checkpoints + " evaluations"
                        + (evaluator.failure() != null ? ": " + evaluator.failure() : ""));
            }
            Thread.sleep(200);
        }
        TopicCatalogue catalogue = new TopicCatalogue(settings.clientProperties());
        Map<String, EvalResult> latest = new HashMap<>();
        for (ConsumerRecord<String, EvalResult> record : TopicSnapshot.read(settings.clientProperties(), TopicCatalogue.EVALS.name(),
                catalogue.evals().keySerde().deserializer(), catalogue.evals().valueSerde().deserializer(), (int) checkpoints, Duration.ofSeconds(30))) {
            if (record.value().getRunId().equals(runId)) {
                latest.put(record.key(), record.value());
            }
        }
        return latest.values().stream().sorted(Comparator.comparingLong(EvalResult::getStep)).toList();
    }

    private static void failIfStopped(List<TeacherWorker> workers, TrainerService trainer, EvaluatorService evaluator) {
        for (LoopService service : Stream.<LoopService>concat(workers.stream(), Stream.of(trainer, evaluator)).toList()) {
            if (service.failure() != null) {
                throw new IllegalStateException(service.name() + " failed: " + service.failure(), service.failure());
            }
        }
    }
}
