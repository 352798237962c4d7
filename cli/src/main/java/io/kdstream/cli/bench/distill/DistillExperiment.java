package io.kdstream.cli.bench.distill;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A whole plan, cohort by cohort: each cohort (its data, teacher, base student and logit cache) runs as one
 * {@link DistillBenchmark} on an embedded platform of its own, so its topics hold its prompts and its teacher's
 * logits only (the router caches every prompt of {@code kd.prompts}, the online trainer reads them all). The
 * control is one cohort, so it runs exactly as a single benchmark.
 */
public final class DistillExperiment {

    private final DistillBenchmark.Options options;
    private final Consumer<String> log;

    public DistillExperiment(DistillBenchmark.Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public DistillBenchmark.Outcome run() throws Exception {
        long started = System.nanoTime();
        Map<DistillCohort, DistillPlan> cohorts = options.plan().byCohort(options.setting());
        List<DistillBenchmark.TeacherSummary> teachers = new ArrayList<>();
        List<RunOutcome> runs = new ArrayList<>();
        int index = 0;
        for (Map.Entry<DistillCohort, DistillPlan> cohort : cohorts.entrySet()) {
            index++;
            String prefix = "cohort " + index + "/" + cohorts.size() + " (" + cohort.getKey().describe() + "): ";
            log.accept(prefix + cohort.getValue().runs().size() + " student runs");
            Path workDir = Files.createDirectories(options.workDir().resolve("cohort-" + index));
            try (EmbeddedPlatform platform = EmbeddedPlatform.start(options.kdstreamHome())) {
                Settings settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                        Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
                DistillBenchmark.Outcome outcome = new DistillBenchmark(settings, options.forCohort(cohort.getValue(), workDir),
                        line -> log.accept(prefix + line)).run();
                teachers.add(outcome.teacher());
                runs.addAll(outcome.runs());
            }
        }
        return new DistillBenchmark.Outcome(teachers, runs, (System.nanoTime() - started) / 1e9);
    }
}
