package io.kdstream.cli.bench.distill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Turns a benchmark's outcome into the BENCHMARKS.md section (the table, mean ± sd over seeds, and the headline), the
 * learning-curve SVG and a CSV of every evaluated checkpoint.
 */
public final class DistillReport {

    private final DistillPlan plan;
    private final DistillBenchmark.Outcome outcome;
    private final long teacherSteps;

    public DistillReport(DistillPlan plan, DistillBenchmark.Outcome outcome, long teacherSteps) {
        this.plan = plan;
        this.outcome = outcome;
        this.teacherSteps = teacherSteps;
    }

    /** Runs of each config, in plan order. */
    Map<RunConfig, List<RunOutcome>> byConfig() {
        Map<RunConfig, List<RunOutcome>> rows = new LinkedHashMap<>();
        for (RunConfig config : plan.configs()) {
            rows.put(config, new ArrayList<>());
        }
        for (RunOutcome run : outcome.runs()) {
            rows.get(run.run().config()).add(run);
        }
        return rows;
    }

    /** The table: one row a config, mean ± sd over seeds of the final checkpoint's scores and the run's costs. */
    public String table() {
        DistillBenchmark.TeacherSummary teacher = outcome.teacher();
        StringBuilder table = new StringBuilder("| objective | steps | K | loss | w_kd / w_sft | math exact match | code pass@1 | answer CE (nats/token) "
                + "| cache bytes/token | trainer step ms | trainer peak RSS MiB | wall s | seeds |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        table.append(String.format(Locale.ROOT, "| teacher (SFT, %,d parameters, batch 32) | %d | | | | %.3f | %.3f | %.3f | | | | | 1 |%n", teacher.parameters(),
                teacherSteps, teacher.mathExactMatch(), teacher.codePassAt1(), teacher.answerCe()));
        for (Map.Entry<RunConfig, List<RunOutcome>> row : byConfig().entrySet()) {
            RunConfig config = row.getKey();
            List<RunOutcome> runs = row.getValue();
            if (runs.isEmpty()) {
                continue;
            }
            table.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
                    config.label(), config.steps(), kLabel(config), lossLabel(config), weights(config),
                    DistillStatistics.meanSd(values(runs, r -> r.last().mathExactMatch()), "%.3f"),
                    DistillStatistics.meanSd(values(runs, r -> r.last().codePassAt1()), "%.3f"),
                    DistillStatistics.meanSd(values(runs, r -> r.last().answerCe()), "%.3f"),
                    cacheBytes(config),
                    DistillStatistics.meanSd(values(runs, r -> r.training().stepMillis()), "%.1f"),
                    DistillStatistics.meanSd(values(runs, r -> r.training().peakRssBytes() / 1048576.0), "%.0f"),
                    DistillStatistics.meanSd(values(runs, RunOutcome::wallSeconds), "%.0f"),
                    runs.size()));
        }
        return table.toString();
    }

    private static String kLabel(RunConfig config) {
        return switch (config.objective()) {
            case SFT -> "-";
            case KD_SFT -> Integer.toString(config.k());
            case ONLINE_FULL_KD -> "all " + config.k();
        };
    }

    private static String lossLabel(RunConfig config) {
        return config.objective() == RunConfig.Objective.SFT ? "CE" : config.variant() + ", " + config.direction() + " KL";
    }

    private static String weights(RunConfig config) {
        return trim(config.kdWeight()) + " / " + trim(config.sftWeight());
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** The K=64 cache is measured; a cache of fewer entries is that minus the entries it would not store. */
    private String cacheBytes(RunConfig config) {
        DistillBenchmark.TeacherSummary teacher = outcome.teacher();
        return switch (config.objective()) {
            case SFT -> "0 (no teacher)";
            case ONLINE_FULL_KD -> "0 (teacher in the trainer)";
            case KD_SFT -> config.k() == DistillPlan.CACHE_K
                    ? String.format(Locale.ROOT, "%.1f", teacher.bytesPerToken())
                    : String.format(Locale.ROOT, "%.1f (of the K=64 cache: %.1f)",
                    teacher.bytesPerToken() - (DistillPlan.CACHE_K - config.k()) * teacher.bytesPerEntry(), teacher.bytesPerToken());
        };
    }

    private static List<Double> values(List<RunOutcome> runs, java.util.function.ToDoubleFunction<RunOutcome> value) {
        return runs.stream().map(r -> value.applyAsDouble(r)).toList();
    }

    /** Per seed: the SFT run's final accuracy, and the fraction of SFT's steps at which KD+SFT first reaches it. */
    public record Headline(List<Long> seeds, List<Double> sftFinal, List<OptionalDouble> fractions) {

        public List<Double> reached() {
            return fractions.stream().filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble).toList();
        }
    }

    public Headline headline() {
        return headline(EvalPoint::accuracy);
    }

    /** The headline for one metric of a checkpoint (accuracy, math exact match, code pass@1). */
    public Headline headline(java.util.function.ToDoubleFunction<EvalPoint> metric) {
        List<RunOutcome> sft = byConfig().get(plan.sftCurve());
        List<RunOutcome> kd = byConfig().get(plan.kdCurve());
        List<Long> seeds = new ArrayList<>();
        List<Double> finals = new ArrayList<>();
        List<OptionalDouble> fractions = new ArrayList<>();
        for (RunOutcome sftRun : sft) {
            long seed = sftRun.run().seed();
            kd.stream().filter(r -> r.run().seed() == seed).findFirst().ifPresent(kdRun -> {
                double target = metric.applyAsDouble(sftRun.last());
                seeds.add(seed);
                finals.add(target);
                fractions.add(DistillStatistics.firstReach(kdRun.curve(), target, plan.sftCurve().steps(), metric));
            });
        }
        return new Headline(seeds, finals, fractions);
    }

    public String headlineText() {
        StringBuilder text = new StringBuilder();
        text.append(headlineLine("test accuracy (mean of math exact match and code pass@1)", headline(EvalPoint::accuracy), true));
        text.append(headlineLine("math exact match", headline(EvalPoint::mathExactMatch), false));
        text.append(headlineLine("code pass@1", headline(EvalPoint::codePassAt1), false));
        return text.toString();
    }

    private String headlineLine(String metric, Headline headline, boolean first) {
        List<String> perSeed = new ArrayList<>();
        for (int i = 0; i < headline.seeds().size(); i++) {
            OptionalDouble fraction = headline.fractions().get(i);
            perSeed.add(String.format(Locale.ROOT, "seed %d: %s (SFT final %.3f)", headline.seeds().get(i),
                    fraction.isPresent() ? String.format(Locale.ROOT, "%.2f", fraction.getAsDouble()) : "not reached by step " + plan.kdCurve().steps(),
                    headline.sftFinal().get(i)));
        }
        List<Double> reached = headline.reached();
        String fraction = reached.isEmpty() ? "never (in no seed)" : DistillStatistics.meanSd(reached, "%.2f");
        String line = first
                ? String.format(Locale.ROOT, "- **Headline, %s: KD+SFT first reaches SFT's final value at %s of SFT's %d steps** "
                        + "(reached in %d of %d seeds; the seed's claim 0.7, the aim 0.5 or less; checkpoints every %d steps, so resolved to %.2f). Per seed: %s.%n",
                metric, fraction, plan.sftCurve().steps(), reached.size(), headline.seeds().size(), plan.kdCurve().checkpointEvery(plan.curvePoints()),
                (double) plan.kdCurve().checkpointEvery(plan.curvePoints()) / plan.sftCurve().steps(), String.join("; ", perSeed))
                : String.format(Locale.ROOT, "- The same for %s alone: %s (reached in %d of %d seeds). Per seed: %s.%n",
                metric, fraction, reached.size(), headline.seeds().size(), String.join("; ", perSeed));
        if (headline.sftFinal().stream().anyMatch(v -> v == 0)) {
            line += "  (SFT's final value is 0 for some seed: its fraction says nothing, any checkpoint reaches 0.)\n";
        }
        return line;
    }

    /** Every evaluated checkpoint, one CSV line each. */
    public String csv() {
        StringBuilder csv = new StringBuilder("run_id,config,seed,step,math_exact_match,code_pass_at1,math_ce,code_ce,step_ms,peak_rss_bytes,wall_s\n");
        for (RunOutcome run : outcome.runs()) {
            for (EvalPoint point : run.curve()) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.4f,%.4f,%.4f,%.4f,%.3f,%d,%.1f%n", run.runId(), run.run().config().slug(),
                        run.run().seed(), point.step(), point.mathExactMatch(), point.codePassAt1(), point.mathCe(), point.codeCe(),
                        run.training().stepMillis(), run.training().peakRssBytes(), run.wallSeconds()));
            }
        }
        return csv.toString();
    }

    public String svg() {
        DistillBenchmark.TeacherSummary teacher = outcome.teacher();
        List<List<EvalPoint>> sft = byConfig().get(plan.sftCurve()).stream().map(RunOutcome::curve).toList();
        List<List<EvalPoint>> kd = byConfig().get(plan.kdCurve()).stream().map(RunOutcome::curve).toList();
        return LearningCurveSvg.render(sft, kd, plan.steps(), List.of(
                new LearningCurveSvg.Panel("test accuracy (mean of math EM and code pass@1)", EvalPoint::accuracy,
                        (teacher.mathExactMatch() + teacher.codePassAt1()) / 2),
                new LearningCurveSvg.Panel("math exact match", EvalPoint::mathExactMatch, teacher.mathExactMatch()),
                new LearningCurveSvg.Panel("code pass@1", EvalPoint::codePassAt1, teacher.codePassAt1())));
    }

    /** Writes the SVG and CSV into {@code dir}; returns the SVG's path. */
    public Path writeFiles(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path svg = dir.resolve(name + ".svg");
        Files.writeString(svg, svg());
        Files.writeString(dir.resolve(name + ".csv"), csv());
        return svg;
    }
}
