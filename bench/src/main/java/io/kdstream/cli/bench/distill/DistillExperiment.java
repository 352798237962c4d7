package io.kdstream.cli.bench.distill;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A whole plan, cohort by cohort: each cohort (its data, teacher, base student and logit cache) runs as one
 * {@link DistillBenchmark} on an embedded platform of its own, so its topics hold its prompts and its teacher's
 * logits only (the router caches every prompt of {@code kd.prompts}, the online trainer reads them all). The
 * control is one cohort, so it runs exactly as a single benchmark.
 *
 * <p>Every cohort's results are kept ({@link DistillResults}) as they are known, the teacher's first, then each run's
 * once it is evaluated; with {@code resume} a cohort's runs found there are reused and only the missing ones run (the
 * cohort's cache is filled again for them: its topics do not outlive a run).
 */
public final class DistillExperiment {

    private final DistillBenchmark.Options options;
    private final boolean resume;
    private final Consumer<String> log;
    /** The number of this plan's first cohort in the whole plan, and the whole plan's count (0: this plan is whole). */
    private final int firstCohort;
    private final int wholePlanCohorts;

    public DistillExperiment(DistillBenchmark.Options options, boolean resume, Consumer<String> log) {
        this(options, resume, log, 1, 0);
    }

    private DistillExperiment(DistillBenchmark.Options options, boolean resume, Consumer<String> log, int firstCohort, int wholePlanCohorts) {
        this.options = options;
        this.resume = resume;
        this.log = log;
        this.firstCohort = firstCohort;
        this.wholePlanCohorts = wholePlanCohorts;
    }

    /**
     * This experiment as cohort {@code number} of a plan of {@code cohorts}: how a cohort's own JVM logs, so that its
     * lines name the cohort as the whole plan does ("cohort 3/5"), not as a plan of one.
     */
    public DistillExperiment asCohort(int number, int cohorts) {
        return new DistillExperiment(options, resume, log, number, cohorts);
    }

    /**
     * Every cohort's teacher and base student, trained where missing; no student runs, no Kafka. With {@code jvms} and
     * more than one cohort, cohorts prepare {@code parallelRuns} at a time, each in a JVM of its own (a seed-like
     * table's teachers take most of an hour each); otherwise one after another in this JVM. Cohorts that share a model
     * (a base student) may then each train it; the first failure stops cohorts not yet started and is thrown once
     * those in flight end.
     */
    public void prepareModels(Optional<CohortJvm> jvms) throws Exception {
        Map<DistillCohort, DistillPlan> cohorts = options.plan().byCohort(options.setting());
        List<String> prefixes = new ArrayList<>();
        cohorts.keySet().forEach(cohort -> prefixes.add(logPrefix(prefixes.size() + 1, cohorts.size(), cohort)));
        if (jvms.isEmpty() || options.parallelRuns() == 1 || cohorts.size() == 1) {
            int index = 0;
            for (DistillPlan cohort : cohorts.values()) {
                String prefix = prefixes.get(index++);
                new DistillBenchmark(Settings.of(Map.of()), options.forCohort(cohort, options.workDir()), line -> log.accept(prefix + line))
                        .prepareModels();
                log.accept(prefix + "teacher and base student ready");
            }
            return;
        }
        ExecutorService lanes = Executors.newFixedThreadPool(Math.min(options.parallelRuns(), cohorts.size()), runnable -> {
            Thread thread = new Thread(runnable, "prepare-cohort");
            thread.setDaemon(true);
            return thread;
        });
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> prepared = new ArrayList<>();
        for (int number = 1; number <= cohorts.size(); number++) {
            int cohort = number;
            prepared.add(lanes.submit(() -> {
                if (!failed.get()) {
                    try {
                        prepareInJvm(jvms.get(), cohort, prefixes.get(cohort - 1));
                    } catch (Exception e) {
                        failed.set(true);
                        throw e;
                    }
                }
                return null;
            }));
        }
        lanes.shutdown();
        Exception first = null;
        for (Future<?> cohort : prepared) {
            try {
                cohort.get();
            } catch (ExecutionException e) {
                Exception cause = e.getCause() instanceof Exception exception ? exception : new IllegalStateException(e.getCause());
                if (first == null) {
                    first = cause;
                } else {
                    first.addSuppressed(cause);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void prepareInJvm(CohortJvm jvms, int cohort, String prefix) throws Exception {
        Path output = options.workDir().resolve("prepare-cohort-" + cohort + ".log");
        long started = System.nanoTime();
        log.accept(prefix + "preparing in a JVM of its own; its progress: " + output);
        Process process = jvms.start(cohort, output);
        // the JVM trains for most of an hour: it ends with this one, however this one ends
        Thread stop = new Thread(process::destroy);
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                List<String> lines = Files.readAllLines(output);
                throw new IllegalStateException(prefix + "its JVM failed (exit " + exit + "); the end of " + output + ":\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
        } finally {
            process.destroy();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        log.accept(String.format("%steacher and base student ready (%.1f min)", prefix, (System.nanoTime() - started) / 60e9));
    }

    public DistillBenchmark.Outcome run() throws Exception {
        long started = System.nanoTime();
        DistillResults results = DistillResults.of(options);
        log.accept("results are kept in " + results.dir() + (resume ? "; finished runs found there are reused" : ""));
        Map<DistillCohort, DistillPlan> cohorts = options.plan().byCohort(options.setting());
        List<DistillBenchmark.TeacherSummary> teachers = new ArrayList<>();
        List<RunOutcome> runs = new ArrayList<>();
        int reused = 0;
        int index = 0;
        for (Map.Entry<DistillCohort, DistillPlan> entry : cohorts.entrySet()) {
            index++;
            DistillCohort cohort = entry.getKey();
            String prefix = logPrefix(index, cohorts.size(), cohort);
            List<DistillPlan.Run> missing = new ArrayList<>();
            for (DistillPlan.Run run : entry.getValue().runs()) {
                Optional<RunOutcome> stored = resume ? results.run(run) : Optional.empty();
                stored.ifPresentOrElse(runs::add, () -> missing.add(run));
            }
            reused += entry.getValue().runs().size() - missing.size();
            Optional<DistillBenchmark.TeacherSummary> storedTeacher = resume ? results.teacher(cohort) : Optional.empty();
            if (missing.isEmpty() && storedTeacher.isPresent()) {
                log.accept(prefix + "all " + entry.getValue().runs().size() + " runs reused from " + results.dir());
                teachers.add(storedTeacher.get());
                continue;
            }
            DistillPlan toRun = only(entry.getValue(), missing);
            log.accept(prefix + toRun.runs().size() + " student runs" + (toRun.runs().size() < entry.getValue().runs().size()
                    ? " (" + (entry.getValue().runs().size() - missing.size()) + " reused)" : ""));
            Path workDir = Files.createDirectories(options.workDir().resolve("cohort-" + index));
            try (EmbeddedPlatform platform = EmbeddedPlatform.start(options.kdstreamHome())) {
                Settings settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                        Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
                DistillBenchmark.Outcome outcome = new DistillBenchmark(settings, options.forCohort(toRun, workDir),
                        line -> log.accept(prefix + line)).run(new DistillBenchmark.Finished() {
                            @Override
                            public void teacher(DistillBenchmark.TeacherSummary teacher) throws IOException {
                                results.save(storedTeacher.map(teacher::withSampledFrom).orElse(teacher));
                            }

                            @Override
                            public void run(RunOutcome run) throws IOException {
                                results.save(run);
                            }
                        });
                teachers.add(storedTeacher.map(outcome.teacher()::withSampledFrom).orElse(outcome.teacher()));
                outcome.runs().stream().filter(run -> missing.contains(run.run())).forEach(runs::add);
            }
        }
        return new DistillBenchmark.Outcome(teachers, runs, (System.nanoTime() - started) / 1e9, reused);
    }

    private String logPrefix(int index, int cohorts, DistillCohort cohort) {
        return "cohort " + (firstCohort + index - 1) + "/" + (wholePlanCohorts > 0 ? wholePlanCohorts : cohorts) + " (" + cohort.describe() + "): ";
    }

    /** The cohort's rows and seeds that have a missing run (a superset of the missing runs where they are not a grid). */
    private static DistillPlan only(DistillPlan cohort, List<DistillPlan.Run> missing) {
        return new DistillPlan(cohort.steps(), cohort.seeds().stream().filter(seed -> missing.stream().anyMatch(r -> r.seed() == seed)).toList(),
                cohort.configs().stream().filter(config -> missing.stream().anyMatch(r -> r.config().equals(config))).toList(), cohort.curvePoints(),
                cohort.sweepSeeds());
    }
}
