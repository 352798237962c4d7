package io.kdstream.cli.bench.distill;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.scoring.CheckpointScorer;
import io.kdstream.evaluator.scoring.TaskJudge;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.service.Resources;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.generate.Difficulty;
import io.kdstream.producers.generate.SdgMetadata;
import io.kdstream.producers.generate.SdgOptions;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.cache.LogitCacheStats;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import io.kdstream.trainer.TrainerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * KD+SFT against SFT through Kafka, as a user runs it: generated math and code prompts go to {@code kd.prompts}; the
 * cache router and teacher workers (a teacher trained by kdstream's own SFT) fill {@code kd.teacher.logits} at
 * K = 64; then every student run is a trainer in its own JVM that reads the cache and announces checkpoints on
 * {@code kd.checkpoints}; evaluators (math exact match, code pass@1) score every checkpoint to {@code kd.evals},
 * which the benchmark reads back.
 *
 * <p>The evaluators score each checkpoint as its run publishes it, beside the training, so a run is done and kept soon
 * after it trains; its step time is measured beside them and the other lanes (the step-time reference is
 * {@code kdstream bench step}).
 */
public final class DistillBenchmark {

    public static final long DEFAULT_TEACHER_STEPS = 1500;
    public static final long DEFAULT_BASE_STUDENT_STEPS = 1500;
    public static final int TEACHER_TRAIN_PER_DATASET = 2000;
    public static final long DATA_SEED = 11;
    public static final long TEACHER_SEED = 7;
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(60);

    /**
     * @param trainPerDataset training prompts of each dataset the students see (a prefix of the teacher's)
     * @param testPerDataset  held-out prompts of each dataset the evaluators score
     * @param batchSize       sequences a training step
     * @param learningRate    the students' learning rate
     * @param workers         teacher workers filling the cache
     * @param threads         torch intra-op threads of each student JVM
     * @param parallelRuns    student runs trained at a time ({@link RunLanes})
     */
    public record Options(DistillPlan plan, int trainPerDataset, int testPerDataset, TeacherTraining teacher, int batchSize,
                          double learningRate, int workers, int threads, Path workDir, Path kdstreamHome,
                          Map<String, String> trainerOverrides, DistillSetting setting, TaskDifficulty difficulty, long baseStudentSteps,
                          BaseCorpus baseCorpus, int parallelRuns) {

        public Options(DistillPlan plan, int trainPerDataset, int testPerDataset, long teacherSteps, int batchSize, double learningRate,
                       int workers, int threads, Path workDir, Path kdstreamHome, Map<String, String> trainerOverrides, DistillSetting setting,
                       TaskDifficulty difficulty, long baseStudentSteps) {
            this(plan, trainPerDataset, testPerDataset, TeacherTraining.stable(teacherSteps), batchSize, learningRate, workers, threads, workDir,
                    kdstreamHome, trainerOverrides, setting, difficulty, baseStudentSteps, BaseCorpus.TEXT, 1);
        }

        /** The control setting's conditions: clean easy data, the default teacher. */
        public Options(DistillPlan plan, int trainPerDataset, int testPerDataset, long teacherSteps, int batchSize,
                       double learningRate, int workers, int threads, Path workDir, Path kdstreamHome) {
            this(plan, trainPerDataset, testPerDataset, teacherSteps, batchSize, learningRate, workers, threads, workDir, kdstreamHome, Map.of(),
                    DistillSetting.CONTROL, TaskDifficulty.both(Difficulty.EASY), DEFAULT_BASE_STUDENT_STEPS);
        }

        /** The trainer settings every student run gets beyond the run's own: the setting's student shape, then the overrides. */
        public Map<String, String> studentRunSettings() {
            Map<String, String> settings = new TreeMap<>(setting.studentSettings());
            settings.putAll(trainerOverrides);
            return settings;
        }

        /**
         * The students' shape: the setting's ({@link DistillSetting#studentSettings}), or what
         * {@code -D kdstream.trainer.student.*} asks for. The base student every pretrained run starts from has it too.
         */
        public TransformerConfig studentArchitecture() {
            return TrainerConfig.from(Settings.of(studentRunSettings())).student().architecture(new CharTokenizer().vocabularySize());
        }

        /** The same options for one cohort's share of the plan, with a work directory of its own. */
        Options forCohort(DistillPlan cohortPlan, Path cohortWorkDir) {
            return new Options(cohortPlan, trainPerDataset, testPerDataset, teacher, batchSize, learningRate, workers, threads, cohortWorkDir,
                    kdstreamHome, trainerOverrides, setting, difficulty, baseStudentSteps, baseCorpus, parallelRuns);
        }
    }

    /**
     * What the teacher is and scores, and what its cache costs.
     *
     * @param cohort       the runs whose data, teacher and cache this is
     * @param training     how the teacher was trained (its phases) and how it fared on validation problems against the gate
     * @param trainSeconds how long the teacher took to train, where its training record is kept (NaN otherwise)
     * @param sizes        the cohort's training prompts of each dataset, the students' and the teacher's
     * @param answerEntropy mean entropy (nats) of the teacher's distribution at the test responses' tokens
     * @param answerMargin  mean top probability minus the second's there: how sure the teacher is, what KD can pass on
     * @param wrongRepaired the share of the students' wrong-labelled training examples (math and code) the teacher
     *                      answers right: where KD's targets can mend the label, unless the teacher learnt the mistake
     *                      (NaN when the students' data has none)
     * @param sampledBytesPerToken bytes a token of each RS-KD cache (by draws a position) the cohort filled
     */
    public record TeacherSummary(DistillCohort cohort, TeacherGate.Verdict training, String fingerprint, long parameters, double trainSeconds, double mathExactMatch,
                                 double codePassAt1, double answerCe, double answerEntropy, double answerMargin, double wrongRepaired, double cacheSeconds, long cacheRecords, double bytesPerToken,
                                 double bytesPerEntry, DistillSetting.TrainSizes sizes, Map<Integer, Double> sampledBytesPerToken,
                                 Map<String, Double> solvedByFamily) {

        public TeacherSummary {
            sampledBytesPerToken = Map.copyOf(sampledBytesPerToken);
            solvedByFamily = Map.copyOf(solvedByFamily);
        }

        /** This summary with the RS-KD caches an earlier run of the cohort measured and this one did not. */
        public TeacherSummary withSampledFrom(TeacherSummary earlier) {
            Map<Integer, Double> merged = new TreeMap<>(earlier.sampledBytesPerToken());
            merged.putAll(sampledBytesPerToken);
            return new TeacherSummary(cohort, training, fingerprint, parameters, trainSeconds, mathExactMatch, codePassAt1, answerCe, answerEntropy,
                    answerMargin, wrongRepaired, cacheSeconds,
                    cacheRecords, bytesPerToken, bytesPerEntry, sizes, merged, solvedByFamily);
        }

        /** The teacher's checkpoint: the last phase of its training. */
        public Path checkpoint() {
            return training.checkpoint();
        }

        /**
         * The teacher's test scores as a checkpoint's, so a student's accuracy metrics apply to it too (its answer
         * cross-entropy is kept as the mean of both test sets, on each; no calibration was measured).
         */
        public EvalPoint scores() {
            return new EvalPoint(0, mathExactMatch, codePassAt1, answerCe, answerCe, Double.NaN, Double.NaN, solvedByFamily);
        }
    }

    /**
     * The runs of one or more cohorts, each with its teacher.
     *
     * @param totalSeconds this invocation's time, which does not hold the reused runs'
     * @param reusedRuns   runs an earlier invocation finished and kept ({@code --resume})
     */
    public record Outcome(List<TeacherSummary> teachers, List<RunOutcome> runs, double totalSeconds, int reusedRuns) {

        public Outcome(TeacherSummary teacher, List<RunOutcome> runs, double totalSeconds) {
            this(List.of(teacher), runs, totalSeconds, 0);
        }

        public Outcome(List<TeacherSummary> teachers, List<RunOutcome> runs, double totalSeconds) {
            this(teachers, runs, totalSeconds, 0);
        }

        public TeacherSummary teacher() {
            return teachers.get(0);
        }
    }

    /**
     * Where a cohort's results go as soon as they are known, so an interrupted benchmark keeps them ({@code --resume}):
     * the teacher's before any student trains, each run's once its last checkpoint is evaluated.
     */
    public interface Finished {

        Finished NOTHING = new Finished() {
            @Override
            public void teacher(TeacherSummary teacher) {
            }

            @Override
            public void run(RunOutcome run) {
            }
        };

        void teacher(TeacherSummary teacher) throws IOException;

        void run(RunOutcome run) throws IOException;
    }

    /** A run's training, before its evaluation is complete. */
    private record Trained(StudentRunProcess.Result result, double wallSeconds) {
    }

    private final Settings settings;
    private final Options options;
    private final Consumer<String> log;
    private final String benchId = Long.toString(System.currentTimeMillis(), 36);

    public DistillBenchmark(Settings settings, Options options, Consumer<String> log) {
        this.settings = settings;
        this.options = options;
        this.log = log;
    }

    /** What a cohort's student runs need before they start: its data, and its teacher and base student, trained once. */
    private record Prepared(DistillData data, DistillSetting.TrainSizes sizes, TeacherGate.Verdict teacher, Path baseStudent) {
    }

    /**
     * Finds this cohort's teacher and base student under KDSTREAM_HOME, training those that are missing (no Kafka is
     * needed): what a seed-like table spends most of its hours on, which can be done ahead of it.
     */
    public void prepareModels() throws Exception {
        prepare();
    }

    private Prepared prepare() throws Exception {
        DistillCohort cohort = cohort();
        SdgOptions math = options.difficulty().mathOptions(cohort.wrongShare());
        SdgOptions code = options.difficulty().codeOptions(cohort.wrongShare());
        DistillSetting.TrainSizes sizes = options.setting().trainSizes(options.trainPerDataset(),
                options.setting() == DistillSetting.CONTROL ? options.trainPerDataset() : DistillData.codeSupply(cohort.dataSeed(), code,
                        options.setting().teacherPromptsPerDataset(options.trainPerDataset())));
        if (sizes.studentCode() < options.trainPerDataset()) {
            log.accept(String.format("the generator has %d distinct %s training code tasks: the teacher trains on %d, the students on %d (a fifth)",
                    sizes.teacherCode(), code.difficulty().configName(), sizes.teacherCode(), sizes.studentCode()));
        }
        DistillData data = DistillData.generate(sizes.studentMath(), sizes.studentCode(), options.testPerDataset(), cohort.dataSeed(), math, code);
        TeacherGate.Verdict teacher = prepareTeacher(cohort, sizes, math, code);
        Path baseStudent = options.plan().configs().stream().anyMatch(c -> c.start() == StudentStart.PRETRAINED) ? prepareBaseStudent(cohort, sizes) : null;
        return new Prepared(data, sizes, teacher, baseStudent);
    }

    public Outcome run() throws Exception {
        return run(Finished.NOTHING);
    }

    /**
     * Fills the cohort's cache, scores its teacher, trains its runs and evaluates them. The evaluators run beside the
     * training, scoring each checkpoint as its run publishes it, so each run is done (and handed to {@code finished})
     * soon after it trains, not after the whole cohort.
     */
    public Outcome run(Finished finished) throws Exception {
        long started = System.nanoTime();
        TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        Prepared prepared = prepare();
        DistillData data = prepared.data();
        DistillSetting.TrainSizes sizes = prepared.sizes();
        TeacherGate.Verdict trainedTeacher = prepared.teacher();
        Path teacher = trainedTeacher.checkpoint();
        Path baseStudent = prepared.baseStudent();
        double teacherSeconds = CachedSftModel.trainSeconds(teacher).orElse(Double.NaN);
        String fingerprint = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(teacherSettings(teacher)));
        try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(settings))) {
            producer.send(data.all());
        }
        log.accept(String.format("sent %d train and %d test prompts (math and code) to %s", data.train().size(),
                data.testMath().size() + data.testCode().size(), TopicCatalogue.PROMPTS.name()));
        // the topics are keyed by content: a prompt drawn twice is one record, and the waits below count records
        int cachedRecords = DistillData.distinct(data.all());
        int trainingRecords = DistillData.distinct(data.train());
        double cacheSeconds = fillCache(teacherSettings(teacher), fingerprint, cachedRecords, "K=" + DistillPlan.CACHE_K);
        LogitCacheStats.TeacherShare share = cacheShare(fingerprint);
        Map<Integer, Double> sampledBytes = new TreeMap<>();
        for (int draws : options.plan().rsKdDraws()) {
            String sampledFingerprint = sampledFingerprint(teacher, draws);
            fillCache(sampledTeacherSettings(teacher, draws), sampledFingerprint, cachedRecords, "RS-KD N=" + draws);
            sampledBytes.put(draws, cacheShare(sampledFingerprint).bytesPerToken());
        }
        TeacherScore teacherScore = scoreTeacher(teacher, data);
        TeacherSummary summary = new TeacherSummary(cohort(), trainedTeacher, fingerprint, teacherScore.parameters(), teacherSeconds, teacherScore.math(),
                teacherScore.code(), teacherScore.ce(), teacherScore.entropy(), teacherScore.margin(), teacherScore.wrongRepaired(), cacheSeconds, share.records(),
                share.bytesPerToken(), share.bytesPerTopKEntry(), sizes, sampledBytes, teacherScore.solvedByFamily());
        log.accept(String.format("teacher: math exact match %.3f, code pass@1 %.3f; cache %d records, %.1f bytes/token at K=%d",
                summary.mathExactMatch(), summary.codePassAt1(), share.records(), share.bytesPerToken(), DistillPlan.CACHE_K));

        finished.teacher(summary);

        List<DistillPlan.Run> runs = options.plan().runs();
        Map<DistillPlan.Run, Trained> trained = new ConcurrentHashMap<>();
        Map<DistillPlan.Run, RunOutcome> done = new ConcurrentHashMap<>();
        AtomicInteger finishedTraining = new AtomicInteger();
        int checkpoints = runs.stream().mapToInt(run -> run.config().checkpoints(options.plan().curvePoints())).sum();
        List<EvaluatorService> evaluators = new ArrayList<>();
        ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bench-distill-evaluated-runs");
            thread.setDaemon(true);
            return thread;
        });
        try {
            startEvaluators(evaluators, DistillData.distinct(data.testMath()), DistillData.distinct(data.testCode()));
            collector.scheduleWithFixedDelay(() -> {
                try {
                    collectEvaluated(runs, trained, done, finished);
                } catch (Exception e) {
                    // the final collection, after every evaluation, says what is wrong
                    log.accept("could not yet collect the evaluated runs: " + e.getMessage());
                }
            }, 30, 30, TimeUnit.SECONDS);
            new RunLanes(options.parallelRuns(), options.workDir()).trainAll(runs, DistillBenchmark::cacheOf, (run, cacheDir) -> {
                long runStarted = System.nanoTime();
                StudentRunProcess.Result result = train(run, run.runId(benchId), teacher, fingerprint, trainingRecords, baseStudent, cacheDir);
                double wall = (System.nanoTime() - runStarted) / 1e9;
                trained.put(run, new Trained(result, wall));
                log.accept(String.format("run %d/%d %s seed %d: %d steps, %.2f ms a step, peak RSS %d MiB, %.0f s", finishedTraining.incrementAndGet(),
                        runs.size(), run.config().slug(), run.seed(), result.steps(), result.stepMillis(), result.peakRssBytes() >> 20, wall));
                return result;
            });
            long trainedAt = System.nanoTime();
            awaitEvaluations(evaluators, checkpoints);
            log.accept(String.format("evaluated %d checkpoints on math and code, the last %.0f s after the last run trained", checkpoints,
                    (System.nanoTime() - trainedAt) / 1e9));
        } finally {
            collector.shutdownNow();
            collector.awaitTermination(1, TimeUnit.MINUTES);
            Resources.closeAll("bench-distill", evaluators.toArray(AutoCloseable[]::new));
        }
        collectEvaluated(runs, trained, done, finished);
        List<RunOutcome> outcomes = new ArrayList<>();
        for (DistillPlan.Run run : runs) {
            RunOutcome outcome = done.get(run);
            if (outcome == null) {
                throw new IllegalStateException("no complete evaluation of run " + run.runId(benchId));
            }
            outcomes.add(outcome);
        }
        return new Outcome(summary, outcomes, (System.nanoTime() - started) / 1e9);
    }

    private Settings teacherSettings(Path teacher) {
        return settings.with(Map.of("kdstream.teacher.checkpoint", teacher.toString(),
                "kdstream.teacher.topk", Integer.toString(DistillPlan.CACHE_K)));
    }

    /**
     * The same teacher writing RS-KD records of {@code draws} draws a position. Router and trainer tell caches apart by
     * the teacher's fingerprint (model id, revision, checkpoint), which does not cover the encoding: a revision of its
     * own makes this cache a second one beside the top-K cache on the same topic.
     */
    private Settings sampledTeacherSettings(Path teacher, int draws) {
        return teacherSettings(teacher).with(Map.of("kdstream.teacher.encoding", "sampled",
                "kdstream.teacher.sampled.draws", Integer.toString(draws),
                "kdstream.teacher.revision", "rs-kd-n" + draws));
    }

    private String sampledFingerprint(Path teacher, int draws) throws java.io.IOException {
        return TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(sampledTeacherSettings(teacher, draws)));
    }

    private LogitCacheStats.TeacherShare cacheShare(String fingerprint) throws Exception {
        return LogitCacheStats.read(settings.clientProperties(), new TopicCatalogue(settings.clientProperties()),
                        Duration.ofMinutes(5)).shares().stream().filter(s -> s.teacher().equals(fingerprint)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the cache holds nothing of teacher " + fingerprint));
    }

    /** The one cohort this benchmark's plan belongs to (a plan of several cohorts runs through {@link DistillExperiment}). */
    private DistillCohort cohort() {
        List<DistillCohort> cohorts = options.plan().runs().stream().map(options.setting()::cohortOf).distinct().toList();
        if (cohorts.size() != 1) {
            throw new IllegalArgumentException("one benchmark runs one cohort (data, teacher, cache); this plan has " + cohorts);
        }
        return cohorts.get(0);
    }

    /** The teacher's data: the students' prompts are its prefix, with the same wrong share. */
    private static DistillData teacherData(DistillCohort cohort, DistillSetting.TrainSizes sizes, SdgOptions math, SdgOptions code) {
        return DistillData.generate(sizes.teacherMath(), sizes.teacherCode(), 1, cohort.dataSeed(), math, code);
    }

    private TeacherGate.Verdict prepareTeacher(DistillCohort cohort, DistillSetting.TrainSizes sizes, SdgOptions math, SdgOptions code) throws Exception {
        DistillData teacherData = teacherData(cohort, sizes, math, code);
        CachedSftModel firstPhase = CachedSftModel.teacher(options.setting().teacherArchitecture(new CharTokenizer().vocabularySize()),
                options.teacher().steps(), cohort.teacherSeed(), teacherData.tag());
        return new TeacherGate(options.teacher(), scorer(), options.kdstreamHome(), log).train(firstPhase, teacherData.teacherExamples(), math, code);
    }

    /** The student's architecture pretrained on general data of the tasks' language (no answers of the students' data). */
    private Path prepareBaseStudent(DistillCohort cohort, DistillSetting.TrainSizes sizes) throws Exception {
        DistillData pool = teacherData(cohort, sizes, options.difficulty().mathOptions(0), options.difficulty().codeOptions(0));
        CachedSftModel recipe = CachedSftModel.baseStudent(options.studentArchitecture(),
                options.baseStudentSteps(), cohort.dataSeed(), pool.tag() + "-" + options.baseCorpus().tag());
        Path checkpoint = recipe.cachedCheckpoint(options.kdstreamHome());
        if (!Files.exists(checkpoint)) {
            log.accept("no base student at " + checkpoint + ": training one with kdstream's SFT trainer (once; it is kept for later runs)");
        }
        return recipe.trainIfMissing(options.kdstreamHome(), pool.pretrainingCorpus(options.baseCorpus(), DistillSetting.FULL_TRAIN_PER_DATASET));
    }

    /** Router and teacher workers until every prompt (train and test) has its logits in the cache ({@code what}). */
    private double fillCache(Settings teacherSettings, String fingerprint, int prompts, String what) throws Exception {
        long started = System.nanoTime();
        Settings services = teacherSettings.with(Map.of(
                "kdstream.router.teacher.fingerprint", fingerprint,
                "kdstream.teacher.group.id", "bench-distill-" + benchId + "-" + fingerprint,
                "state.dir", options.workDir().resolve("streams-state").toString()));
        CacheRouter router = new CacheRouter(CacheRouterConfig.from(services));
        List<TeacherWorker> workers = new ArrayList<>();
        try {
            router.start();
            for (int i = 1; i <= options.workers(); i++) {
                TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(services), "distill-" + i);
                workers.add(worker);
                worker.start();
            }
            long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
            // Every teacher's requests share kd.teacher.requests, and a new group's workers read it from the start: a
            // later teacher's workers answer the earlier teachers' requests too (the same prompts), so what they have
            // published says nothing until the cache itself holds every prompt under this teacher.
            while (workers.stream().mapToLong(TeacherWorker::published).sum() < prompts || cachedPrompts(fingerprint) < prompts) {
                for (TeacherWorker worker : workers) {
                    if (worker.failure() != null) {
                        throw new IllegalStateException("teacher worker failed: " + worker.failure(), worker.failure());
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the teacher workers did not cache " + prompts + " prompts in " + PHASE_TIMEOUT
                            + " (" + cachedPrompts(fingerprint) + " cached)");
                }
                Thread.sleep(1000);
            }
        } finally {
            Resources.closeAll("bench-distill", workers.toArray(AutoCloseable[]::new));
            Resources.closeAll("bench-distill", router);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        log.accept(String.format("teacher workers cached %d prompts (%s) in %.1f s", prompts, what, seconds));
        return seconds;
    }

    /** The distinct prompts the logit cache holds for the teacher (its keys only; values are not decoded). */
    private long cachedPrompts(String fingerprint) {
        return TopicSnapshot.read(settings.clientProperties(), TopicCatalogue.TEACHER_LOGITS.name(), new StringDeserializer(),
                        new ByteArrayDeserializer(), 0, Duration.ofMinutes(1)).stream()
                .filter(record -> record.key() != null && record.value() != null && LogitsKey.teacherOf(record.key()).equals(fingerprint))
                .map(record -> LogitsKey.promptOf(record.key())).distinct().count();
    }

    /**
     * The local cache a run reads, by name: the top-K cache, or an RS-KD run's sampled cache of its draws; none for
     * online KD, whose teacher is in the trainer.
     */
    private static Optional<String> cacheOf(DistillPlan.Run run) {
        return switch (run.config().objective()) {
            case ONLINE_FULL_KD -> Optional.empty();
            case RS_KD_SFT -> Optional.of("trainer-cache-rs-kd-n" + run.config().k());
            default -> Optional.of("trainer-cache");
        };
    }

    private StudentRunProcess.Result train(DistillPlan.Run run, String runId, Path teacher, String fingerprint, int trainExamples,
                                           Path baseStudent, Optional<Path> cacheDir) throws Exception {
        RunConfig config = run.config();
        Map<String, String> trainer = new HashMap<>();
        trainer.put("kdstream.trainer.run.id", runId);
        trainer.put("kdstream.trainer.steps", Long.toString(config.steps()));
        trainer.put("kdstream.trainer.checkpoint.every", Long.toString(config.checkpointEvery(options.plan().curvePoints())));
        trainer.put("kdstream.trainer.checkpoint.dir", options.workDir().resolve("checkpoints").toString());
        // one local cache for all runs, built from the topic by the first (RunLanes): the same entries in the same order
        // for every run, so a seed means the same batches in every run of the invocation
        boolean sampled = config.objective() == RunConfig.Objective.RS_KD_SFT;
        cacheDir.ifPresent(dir -> trainer.put("kdstream.trainer.cache.dir", dir.toString()));
        trainer.put("kdstream.trainer.teacher.fingerprint", sampled ? sampledFingerprint(teacher, config.k()) : fingerprint);
        // every run starts once the whole training set is in memory: the same data from the first step
        trainer.put("kdstream.trainer.min.examples", Integer.toString(trainExamples));
        trainer.put("kdstream.trainer.kd.weight", Double.toString(config.kdWeight()));
        trainer.put("kdstream.trainer.sft.weight", Double.toString(config.sftWeight()));
        trainer.put("kdstream.trainer.topk", Integer.toString(Math.max(1, config.k())));
        if (config.objective() != RunConfig.Objective.SFT) {
            trainer.put("kdstream.trainer.loss.variant", config.variant());
            trainer.put("kdstream.trainer.kl.direction", config.direction());
        }
        trainer.put("kdstream.trainer.learning.rate", Double.toString(options.learningRate()));
        trainer.put("kdstream.trainer.batch.size", Integer.toString(options.batchSize()));
        trainer.put("kdstream.trainer.seed", Long.toString(run.seed()));
        if (config.start() == StudentStart.PRETRAINED) {
            trainer.put(TrainerConfig.INIT_CHECKPOINT, baseStudent.toString());
        }
        trainer.putAll(options.studentRunSettings());
        if (config.objective() == RunConfig.Objective.ONLINE_FULL_KD) {
            trainer.put(StudentRunProcess.MODE, "online");
            trainer.put(StudentRunProcess.TEACHER, teacher.toString());
        }
        Path dir = options.workDir().resolve("runs");
        Files.createDirectories(dir);
        Process process = StudentRunProcess.start(settings.with(trainer), dir, runId, options.threads());
        try {
            if (!process.waitFor(PHASE_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                throw new IllegalStateException("student run " + runId + " did not finish in " + PHASE_TIMEOUT + "; its log is " + dir.resolve(runId + ".log"));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("student run " + runId + " exited with " + process.exitValue() + "; its log is " + dir.resolve(runId + ".log"));
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        return StudentRunProcess.Result.read(StudentRunProcess.resultFile(dir, runId));
    }

    /** The math and code evaluators, each reading every checkpoint on kd.checkpoints; added to {@code evaluators} as they start. */
    private void startEvaluators(List<EvaluatorService> evaluators, int mathTests, int codeTests) {
        for (String dataset : List.of("math", "code")) {
            EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings.with(Map.of(
                    "kdstream.evaluator.dataset", dataset,
                    "kdstream.evaluator.group.id", "bench-distill-" + benchId + "-" + dataset,
                    "kdstream.evaluator.max.examples", Integer.toString(dataset.equals("math") ? mathTests : codeTests),
                    "auto.offset.reset", "earliest"))));
            evaluators.add(evaluator);
            evaluator.start();
        }
    }

    /** Until the evaluators have scored this bench's {@code checkpoints} on both test sets. */
    private void awaitEvaluations(List<EvaluatorService> evaluators, int checkpoints) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        long lastReport = 0;
        // the evaluators also score whatever else kd.checkpoints holds (other runs on the same cluster): count this bench's
        int evaluated;
        while ((evaluated = ownEvaluations().size()) < 2L * checkpoints) {
            for (EvaluatorService evaluator : evaluators) {
                if (evaluator.failure() != null) {
                    throw new IllegalStateException("evaluator failed: " + evaluator.failure(), evaluator.failure());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the evaluators did not score " + checkpoints + " checkpoints " + PHASE_TIMEOUT + " after the last run trained");
            }
            if (System.nanoTime() - lastReport > 30e9) {
                lastReport = System.nanoTime();
                log.accept(String.format("evaluated %d of %d checkpoint x test-set pairs", evaluated, 2L * checkpoints));
            }
            Thread.sleep(1000);
        }
    }

    /** Hands each trained run whose every checkpoint is evaluated to {@code finished}, once. */
    private synchronized void collectEvaluated(List<DistillPlan.Run> runs, Map<DistillPlan.Run, Trained> trained, Map<DistillPlan.Run, RunOutcome> done,
                                               Finished finished) throws IOException {
        if (trained.keySet().stream().allMatch(done::containsKey)) {
            return;
        }
        Map<String, List<EvalPoint>> curves = readCurves();
        for (DistillPlan.Run run : runs) {
            Trained training = trained.get(run);
            List<EvalPoint> curve = curves.get(run.runId(benchId));
            if (training != null && !done.containsKey(run) && curve != null && curve.size() == run.config().checkpoints(options.plan().curvePoints())) {
                RunOutcome outcome = new RunOutcome(run, run.runId(benchId), training.result(), training.wallSeconds(), curve);
                finished.run(outcome);
                done.put(run, outcome);
                log.accept(String.format("run %s seed %d evaluated: math %.3f, code %.3f", run.config().slug(), run.seed(),
                        outcome.last().mathExactMatch(), outcome.last().codePassAt1()));
            }
        }
    }

    /** This bench's evaluations on kd.evals, the latest by key (run, step, dataset, split). */
    private Map<String, EvalResult> ownEvaluations() {
        Map<String, Object> client = settings.clientProperties();
        TopicCatalogue catalogue = new TopicCatalogue(client);
        Map<String, EvalResult> latest = new HashMap<>();
        for (ConsumerRecord<String, EvalResult> record : TopicSnapshot.read(client, TopicCatalogue.EVALS.name(),
                catalogue.evals().keySerde().deserializer(), catalogue.evals().valueSerde().deserializer(), 0, Duration.ofSeconds(60))) {
            if (record.value() != null && record.value().getRunId().startsWith("distill-" + benchId + "-")) {
                latest.put(record.key(), record.value());
            }
        }
        return latest;
    }

    private Map<String, List<EvalPoint>> readCurves() {
        Map<String, Map<Long, Map<String, EvalResult>>> byRun = new HashMap<>();
        for (EvalResult result : ownEvaluations().values()) {
            if (result.getStatus() != EvalStatus.OK) {
                throw new IllegalStateException("evaluation of " + result.getRunId() + " step " + result.getStep() + " failed: " + result.getError());
            }
            byRun.computeIfAbsent(result.getRunId(), r -> new TreeMap<>())
                    .computeIfAbsent(result.getStep(), s -> new HashMap<>()).put(result.getDataset(), result);
        }
        Map<String, List<EvalPoint>> curves = new HashMap<>();
        byRun.forEach((runId, steps) -> {
            List<EvalPoint> curve = new ArrayList<>();
            steps.forEach((step, results) -> {
                EvalResult math = results.get("math");
                EvalResult code = results.get("code");
                if (math != null && code != null) {
                    curve.add(new EvalPoint(step, math.getExactMatch(), code.getPassAt1(), math.getAnswerCrossEntropy(), code.getAnswerCrossEntropy(),
                            calibrationError(math), calibrationError(code), bothDatasets(math.getSolvedByFamily(), code.getSolvedByFamily())));
                }
            });
            curves.put(runId, curve);
        });
        return curves;
    }

    /** NaN for a result from an evaluator that did not measure calibration. */
    private static double calibrationError(EvalResult result) {
        return result.getAnswerCalibrationError() == null ? Double.NaN : result.getAnswerCalibrationError();
    }

    /** The teacher's scores; cross-entropy, entropy and margin are the means of the two test sets'. */
    private record TeacherScore(long parameters, double math, double code, double ce, double entropy, double margin, double wrongRepaired,
                                Map<String, Double> solvedByFamily) {
    }

    /** The teacher on the same held-out prompts, with the same scorer the evaluator uses. */
    private TeacherScore scoreTeacher(Path teacher, DistillData data) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        CheckpointScorer scorer = scorer();
        try (LoadedCheckpoint loaded = CheckpointFile.read(teacher, null, tokenizer.fingerprint())) {
            CheckpointScorer.Scores math = scorer.score(loaded.model(), data.testMath(), p -> null);
            CheckpointScorer.Scores code = scorer.score(loaded.model(), data.testCode(), p -> null);
            // a wrong-labelled example keeps its correct expected answer and test cases: solving it means the correct answer
            List<Prompt> wrongMath = data.trainMath().stream().filter(p -> SdgMetadata.isWrong(p.getMetadata())).toList();
            List<Prompt> wrongCode = data.trainCode().stream().filter(p -> SdgMetadata.isWrong(p.getMetadata())).toList();
            double solved = 0;
            if (!wrongMath.isEmpty()) {
                solved += scorer.score(loaded.model(), wrongMath, p -> null).exactMatch() * wrongMath.size();
            }
            if (!wrongCode.isEmpty()) {
                solved += scorer.score(loaded.model(), wrongCode, p -> null).passAt1() * wrongCode.size();
            }
            int wrong = wrongMath.size() + wrongCode.size();
            double repaired = wrong == 0 ? Double.NaN : solved / wrong;
            return new TeacherScore(loaded.model().parameterCount(), math.exactMatch(), code.passAt1(),
                    (math.answerCrossEntropy() + code.answerCrossEntropy()) / 2, (math.answerEntropy() + code.answerEntropy()) / 2,
                    (math.answerMargin() + code.answerMargin()) / 2, repaired, bothDatasets(math.solvedByFamily(), code.solvedByFamily()));
        }
    }

    /** Both datasets' solved shares by family in one map, sorted by name (the generators' family names never clash). */
    private static Map<String, Double> bothDatasets(Map<String, Double> math, Map<String, Double> code) {
        Map<String, Double> families = new TreeMap<>(math);
        families.putAll(code);
        return families;
    }

    /** The evaluator's scorer at its default settings: the teacher is scored as the students are. */
    private CheckpointScorer scorer() {
        EvaluatorConfig defaults = EvaluatorConfig.from(settings);
        return new CheckpointScorer(new CharTokenizer(), new TaskJudge(defaults.codeStepLimit()), defaults.maxNewTokens(), defaults.batchSize());
    }

    public String benchId() {
        return benchId;
    }
}
