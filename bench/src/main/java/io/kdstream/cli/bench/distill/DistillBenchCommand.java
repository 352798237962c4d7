package io.kdstream.cli.bench.distill;

import io.kdstream.cli.bench.BenchmarkContext;
import io.kdstream.cli.bench.BenchmarksFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** {@code kdstream bench distill}: the seed's table, KD+SFT against SFT, on kdstream's own math and code tasks. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "KD+SFT against SFT through Kafka on the embedded platform: a math+code teacher (trained once, kept under "
                + "KDSTREAM_HOME), teacher workers filling the cache at K=64, students trained by the trainer service (each "
                + "run its own JVM), sweeps of K, SFT weight, loss variant and KL direction, online full-vocabulary KD, "
                + "evaluated on held-out math (exact match) and code (pass@1). --setting seed-like runs it under the seed's conditions "
                + "(harder noisy data, a strong teacher, a pretrained student). Writes a BENCHMARKS.md section and a plot.")
public final class DistillBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "smoke run: SFT, KD+SFT at S and 0.7 S, online KD; one seed, fewer steps and prompts")
    boolean quick;

    @Option(names = "--setting", defaultValue = "control", description = "control (clean easy data, students from scratch, the default "
            + "teacher; today's table) or seed-like (medium tasks, wrong SDG responses, a strong teacher with 24 x the student's parameters, as the seed's, trained on 5 x its "
            + "prompts, a pretrained base student; a data set, teacher and base student a seed) (default: ${DEFAULT-VALUE})")
    DistillSetting setting;

    @Option(names = "--student", description = "scratch or pretrained: where every student run starts (default: control scratch, seed-like pretrained)")
    StudentStart student;

    @Option(names = "--difficulty", converter = TaskDifficultyConverter.class, description = "easy, medium, hard, expert or broad tasks, or each dataset's "
            + "apart, e.g. math=hard,code=medium (default: control easy, seed-like medium)")
    TaskDifficulty difficulty;

    static final class TaskDifficultyConverter implements picocli.CommandLine.ITypeConverter<TaskDifficulty> {
        @Override
        public TaskDifficulty convert(String value) {
            return TaskDifficulty.parse(value);
        }
    }

    @Option(names = "--wrong-share", description = "share of wrong training responses, the teacher's data too (default: control 0, seed-like 0.1)")
    Double wrongShare;

    @Option(names = "--sweeps", split = ",", description = "seed-like rows beside SFT and KD+SFT at S and 0.7 S: any of k, sft-weight, variant, "
            + "direction, online, rs-kd, wrong-share, student (default: all; --quick online)")
    List<String> sweeps;

    @Option(names = "--sweep-seeds", description = "seeds the seed-like sweep rows run for, the first of --seeds (default: 2; the headline's "
            + "rows run for every seed)")
    Integer sweepSeeds;

    @Option(names = "--prepare-only", description = "train every cohort's missing teacher and base student (cached under KDSTREAM_HOME) and "
            + "stop, without student runs: a seed-like table's hours of teacher training, done ahead of it, --parallel-runs cohorts at a time, "
            + "each in a JVM of its own")
    boolean prepareOnly;

    @Option(names = "--cohort", hidden = true, description = "only the plan's cohort of this number (from 1): how --prepare-only starts "
            + "the JVM of each cohort it prepares side by side")
    Integer cohort;

    @Option(names = "--resume", description = "reuse the runs a previous invocation with the same settings finished (kept under "
            + "KDSTREAM_HOME/bench/distill); only the missing ones run")
    boolean resume;

    @Option(names = "--steps", description = "S, SFT's steps (default: control 1000, seed-like 6000, --quick 300)")
    Long steps;

    @Option(names = "--seeds", description = "seeds a config; in the seed-like setting each seed also draws its own data, teacher and base "
            + "student (default: control 3, seed-like 5, --quick 1)")
    Integer seeds;

    @Option(names = "--curve-points", description = "checkpoints along the SFT and KD+SFT learning curves (default: 10; seed-like 20, every 0.05 S)")
    Integer curvePoints;

    @Option(names = "--train-prompts", description = "training prompts of each dataset (math, code) (default: 2000, --quick 1000)")
    Integer trainPrompts;

    @Option(names = "--test-prompts", description = "held-out prompts of each dataset (default: control 200, seed-like 500, --quick 100)")
    Integer testPrompts;

    @Option(names = "--teacher-steps", description = "SFT steps of the teacher, when it must be trained (default: control "
            + DistillBenchmark.DEFAULT_TEACHER_STEPS + ", seed-like 6000)")
    Long teacherSteps;

    @Option(names = "--teacher-cool-down", description = "steps of the teacher's closing cool-down, the learning rate along a cosine from its "
            + "peak to a hundredth of it; it settles the weights a constant rate leaves wandering (default: control 0, seed-like a tenth of the teacher's steps)")
    Long teacherCoolDown;

    @Option(names = "--teacher-gate", defaultValue = "0", description = "math exact match and code pass@1 the cooled teacher must each reach on "
            + TeacherGate.VALIDATION_PER_DATASET + " validation problems a dataset (never the test sets); below it, the teacher trains on, another "
            + "--teacher-steps and a cool-down, up to --teacher-rounds; 0 for no gate (default: ${DEFAULT-VALUE})")
    double teacherGate;

    @Option(names = "--teacher-rounds", defaultValue = "3", description = "the most stable phases of --teacher-steps a gated teacher trains "
            + "before it is used below the gate, and the report says so (default: ${DEFAULT-VALUE})")
    int teacherRounds;

    @Option(names = "--base-student-steps", defaultValue = "" + DistillBenchmark.DEFAULT_BASE_STUDENT_STEPS,
            description = "pretraining steps of the base student, when it must be trained (default: ${DEFAULT-VALUE})")
    long baseStudentSteps;

    @Option(names = "--base-corpus", defaultValue = "text",
            description = "what the base student is pretrained on: text (the training problems' text alone) or text+others (and clean worked "
                    + "examples of the other difficulty levels, which teach the skill itself: such a student beat its 10 x teacher) "
                    + "(default: ${DEFAULT-VALUE})")
    BaseCorpus baseCorpus;

    @Option(names = "--batch-size", defaultValue = "16", description = "student batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "3e-3", description = "student learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--workers", defaultValue = "2", description = "teacher workers filling the cache (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--threads", defaultValue = "1", description = "torch threads of each student JVM (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--parallel-runs", description = "student runs trained at a time, each its own JVM; with --prepare-only, cohorts "
            + "prepared at a time (default: the cores over --threads)")
    Integer parallelRuns;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "a trainer setting for every student run, e.g. -D kdstream.trainer.temperature=2")
    Map<String, String> trainerSettings = new java.util.LinkedHashMap<>();

    @Option(names = "--label", description = "names a variant run (e.g. an investigation): added to the section heading and the plot's file name")
    String label;

    @Option(names = "--out", defaultValue = "BENCHMARKS.md", description = "file to write the results section to")
    Path out;

    @Option(names = "--report-dir", defaultValue = "docs/bench", description = "where the plot and CSV go (default: ${DEFAULT-VALUE})")
    Path reportDir;

    /** Each seed-like seed costs its own teacher and about 18 student runs with every sweep: sweeps run for two seeds. */
    private static final int DEFAULT_SWEEP_SEEDS = 2;

    private String loadBefore;

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }

    @Override
    public Integer call() throws Exception {
        loadBefore = loadAverage();
        long s = steps != null ? steps : setting.defaultSteps(quick);
        int n = seeds != null ? seeds : setting.defaultSeeds(quick);
        int points = curvePoints != null ? curvePoints : setting.defaultCurvePoints(quick);
        if (threads < 1 || parallelRuns != null && parallelRuns < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads and --parallel-runs must be at least 1");
        }
        long teacherFirstPhase = teacherSteps != null ? teacherSteps : setting.defaultTeacherSteps();
        TeacherTraining teacher;
        try {
            teacher = new TeacherTraining(teacherFirstPhase,
                    teacherCoolDown != null ? teacherCoolDown : setting.defaultTeacherCoolDown(teacherFirstPhase), teacherGate, teacherRounds);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Long> seedList = LongStream.rangeClosed(1, n).boxed().toList();
        DistillPlan plan = plan(s, seedList, points);
        int wholePlanCohorts = plan.byCohort(setting).size();
        if (cohort != null) {
            if (cohort < 1 || cohort > wholePlanCohorts) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--cohort must be 1 to " + wholePlanCohorts + ", got " + cohort);
            }
            plan = List.copyOf(plan.byCohort(setting).values()).get(cohort - 1);
        }
        Path workDir = Files.createTempDirectory("kdstream-bench-distill-");
        DistillBenchmark.Options options = new DistillBenchmark.Options(plan,
                trainPrompts != null ? trainPrompts : setting.defaultTrainPerDataset(quick),
                testPrompts != null ? testPrompts : setting.defaultTestPerDataset(quick),
                teacher, batchSize, learningRate, workers, threads, workDir, EmbeddedPlatform.defaultHome(), trainerSettings, setting,
                difficulty != null ? difficulty : setting.defaultDifficulty(), baseStudentSteps, baseCorpus,
                parallelRuns != null ? parallelRuns : Math.max(1, Runtime.getRuntime().availableProcessors() / threads));
        System.err.println("bench distill (" + setting.configName() + "): " + plan.runs().size() + " student runs in "
                + plan.byCohort(setting).size() + " cohort(s); work directory " + workDir);
        DistillExperiment whole = new DistillExperiment(options, resume, line -> System.err.println("bench distill: " + line));
        DistillExperiment experiment = cohort != null ? whole.asCohort(cohort, wholePlanCohorts) : whole;
        if (prepareOnly) {
            experiment.prepareModels(Optional.of(new CohortJvm(spec.root().commandLine().getParseResult().originalArgs(), options.kdstreamHome(), threads)));
            return 0;
        }
        DistillBenchmark.Outcome outcome = experiment.run();
        DistillReport report = new DistillReport(plan, outcome, setting);
        String name = (quick ? "distill-quick" : "distill") + (setting == DistillSetting.CONTROL ? "" : "-" + setting.configName())
                + (label == null ? "" : "-" + label.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT));
        Path svg = report.writeFiles(reportDir, name);
        String body = section(options, outcome, report, svg);
        String heading = (setting == DistillSetting.CONTROL ? "Distillation: KD+SFT against SFT" : "Distillation, seed-like setting: KD+SFT against SFT")
                + (quick ? " (quick run)" : "");
        BenchmarksFile.writeSection(out, label == null ? heading : heading + ", " + label, body);
        System.out.print(report.table());
        System.out.println();
        System.out.println(report.headlineText());
        return 0;
    }

    /** The control's table (from the chosen start and wrong share), or the seed-like table with its sweeps. */
    private DistillPlan plan(long s, List<Long> seedList, int points) {
        int vocabulary = new CharTokenizer().vocabularySize();
        double share = wrongShare != null ? wrongShare : setting.defaultWrongShare();
        StudentStart start = student != null ? student : setting.defaultStart();
        if (setting == DistillSetting.CONTROL) {
            return (quick ? DistillPlan.quick(s, seedList, vocabulary, points) : DistillPlan.full(s, seedList, vocabulary, points)).on(share, start);
        }
        Set<DistillPlan.Sweep> chosenSweeps = sweeps != null ? sweeps.stream().map(DistillPlan.Sweep::parse).collect(Collectors.toCollection(() -> EnumSet.noneOf(DistillPlan.Sweep.class)))
                : quick ? EnumSet.of(DistillPlan.Sweep.ONLINE) : EnumSet.allOf(DistillPlan.Sweep.class);
        return DistillPlan.seedLike(s, seedList, vocabulary, points, share, start, chosenSweeps, sweepSeeds != null ? sweepSeeds : DEFAULT_SWEEP_SEEDS);
    }

    /** The setting's conditions in words: difficulty, wrong responses, where students start, cohorts. */
    private static String conditions(DistillBenchmark.Options options, DistillBenchmark.Outcome outcome) {
        return " (setting " + options.setting().configName() + ": " + options.difficulty() + " tasks; wrong training responses and "
                + "student starts as each row says, a pretrained student starting from a base student of the same shape pretrained for "
                + options.baseStudentSteps() + " steps on the training problems' text without answers"
                + (options.baseCorpus() == BaseCorpus.TEXT_AND_OTHERS ? " and the other difficulties' worked examples" : "")
                + ", cached under KDSTREAM_HOME/students; " + outcome.teachers().size() + " cohort(s) of data, teacher and cache, each on "
                + "an embedded platform of its own)";
    }

    /** The students' shape in words, with their parameters and how many times that the teacher has. */
    private static String studentShape(TransformerConfig student, long teacherParameters) {
        long parameters;
        try (DecoderLanguageModel model = DecoderLanguageModel.create(student, 0)) {
            parameters = model.parameterCount();
        }
        return String.format(Locale.ROOT, "%d layers of width %d, feed-forward %d, %,d parameters; the teacher has %.1f x", student.layers(),
                student.modelWidth(), student.feedForwardWidth(), parameters, (double) teacherParameters / parameters);
    }

    private String section(DistillBenchmark.Options options, DistillBenchmark.Outcome outcome, DistillReport report, Path svg) {
        DistillBenchmark.TeacherSummary teacher = outcome.teacher();
        DistillPlan plan = options.plan();
        Path relative = out.toAbsolutePath().getParent().relativize(svg.toAbsolutePath());
        return "Command: `" + BenchmarkContext.commandLine(spec) + "`, " + LocalDate.now() + (quick ? " (**quick plan**: SFT, KD+SFT at S and 0.7 S, " + (sweeps != null ? "sweeps " + String.join(", ", sweeps) : "online KD") + "; " + plan.seeds().size() + " seed(s), S = " + plan.steps() + "; not the full table)" : "") + "\n\n"
                + "Machine: " + BenchmarkContext.machine() + ", DJL PyTorch CPU, shared with other work (load average " + loadBefore + " before and "
                + loadAverage() + " after); every student run is its own JVM (" + StudentRunProcess.HEAP
                + ", SerialGC, " + options.threads() + " torch thread(s)"
                + (outcome.reusedRuns() < outcome.runs().size() ? ", " + options.parallelRuns() + " at a time, beside the evaluators scoring their "
                        + "checkpoints" : "") + "); the whole benchmark took "
                + String.format(Locale.ROOT, "%.1f", outcome.totalSeconds() / 60) + " minutes"
                + (outcome.reusedRuns() == 0 ? "" : String.format(Locale.ROOT, "; %d of its %d student runs were reused from an earlier invocation "
                        + "(`--resume`), and their time is not in that", outcome.reusedRuns(), outcome.runs().size())) + ".\n\n"
                + "Setup: " + teacher.sizes().studentMath() + " math + " + teacher.sizes().studentCode() + " code training prompts and "
                + options.testPerDataset() + " + " + options.testPerDataset() + " held-out test prompts (generated, split by problem hash) "
                + "produced to `kd.prompts`" + conditions(options, outcome) + "; the teacher ("
                + (options.setting() == DistillSetting.CONTROL ? "default teacher architecture" : "strong teacher architecture, 6 layers of width 128")
                + String.format(Locale.ROOT, ", %,d parameters,", teacher.parameters()) + " trained by kdstream's SFT trainer for "
                + options.teacher().describe() + " on " + teacher.sizes().teacherMath() + " + " + teacher.sizes().teacherCode()
                + " training prompts, a superset of the students' with the same wrong share"
                + (Double.isNaN(teacher.trainSeconds()) ? "" : String.format(Locale.ROOT, ", in %.1f minutes", teacher.trainSeconds() / 60))
                + ", cached as `" + teacher.checkpoint().getFileName() + "` under KDSTREAM_HOME/teachers"
                + (outcome.teachers().size() > 1 ? " (the first cohort's; one a cohort)" : "") + "; "
                + "reproduce it with the same command on an empty KDSTREAM_HOME) "
                + String.format(Locale.ROOT, "ran as %d teacher workers behind the cache router and cached %d sequences at K=%d in %.1f s "
                        + "(%.1f bytes a token, %.3f bytes a top-K entry, packed). ",
                options.workers(), teacher.cacheRecords(), DistillPlan.CACHE_K, teacher.cacheSeconds(), teacher.bytesPerToken(), teacher.bytesPerEntry())
                + "Students (" + studentShape(options.studentArchitecture(), teacher.parameters()) + ") are trained by `TrainerService` from the cache, batch " + options.batchSize()
                + ", learning rate " + options.learningRate() + " with the trainer's default warm-up and schedule (each run's schedule spans its own steps), seeds 1.." + plan.seeds().size()
                + " (the seed sets the initialisation and the batch order)"
                + (options.trainerOverrides().isEmpty() ? "" : ", and for every run " + options.trainerOverrides())
                + "; every run starts once the whole training set is read. "
                + "Online full-vocabulary KD loads the teacher inside the trainer and runs its forward pass every step "
                + "(renormalised KL with K = V = the whole vocabulary, the trainer's optimizer and loss). "
                + "Evaluators (`EvaluatorService`, one for math, one for code) score every checkpoint from `kd.checkpoints` to `kd.evals` as its "
                + "run publishes it, beside the training; so the step times are measured beside them and the other runs in flight "
                + "(`kdstream bench step` is the step-time reference).\n\n"
                + "Columns: final checkpoint's math exact match, code pass@1 (greedy program passes all the task's tests: 5 random inputs and any that tell a near miss from the reference) and answer cross-entropy "
                + "(mean of the two test sets, nats a response token), mean ± sd over seeds; cache bytes a token as stored (K=64, measured) "
                + "or as a cache of K entries would store it (the K=64 record minus the entries left out); trainer step time = the trainer's "
                + "mean step (batching, forward, loss, backward, clip, Adam; for online KD also the teacher's forward pass); trainer peak RSS = "
                + "VmHWM of the run's JVM at the end of training (JVM, libtorch, Kafka client, the cache or the teacher); wall = the run's JVM "
                + "from start to exit (start-up, reading the cache, training, checkpoints).\n\n"
                + report.table() + "\n"
                + report.headlineText() + "\n"
                + (report.familyTable().isEmpty() ? "" : report.familyTable() + "\n")
                + "Learning curves (every seed thin, mean thick): [" + relative + "](" + relative + "); every checkpoint's scores: ["
                + relative.toString().replace(".svg", ".csv") + "](" + relative.toString().replace(".svg", ".csv") + ").\n\n"
                + "![test accuracy against step, SFT and KD+SFT](" + relative + ")\n";
    }
}
