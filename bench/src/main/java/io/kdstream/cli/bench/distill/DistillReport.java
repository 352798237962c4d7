package io.kdstream.cli.bench.distill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a benchmark's outcome into the BENCHMARKS.md section (the table, mean ± sd over seeds, and the headline), the
 * learning-curve SVG and a CSV of every evaluated checkpoint.
 */
public final class DistillReport {

    private final DistillPlan plan;
    private final DistillBenchmark.Outcome outcome;
    private final DistillSetting setting;

    public DistillReport(DistillPlan plan, DistillBenchmark.Outcome outcome, DistillSetting setting) {
        this.plan = plan;
        this.outcome = outcome;
        this.setting = setting;
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
        List<DistillBenchmark.TeacherSummary> teachers = outcome.teachers();
        StringBuilder table = new StringBuilder("| objective | steps | K | loss | w_kd / w_sft | math exact match | code pass@1 | answer CE (nats/token) | answer ECE "
                + "| cache bytes/token | trainer step ms | trainer peak RSS MiB | wall s | seeds |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        table.append(String.format(Locale.ROOT, "| teacher (SFT, %,d parameters, batch 32) | %s | | | | %s | %s | %s | | | | | | %d |%n",
                teachers.get(0).parameters(), teachers.stream().map(t -> t.training().phases().replace("steps", "")).distinct().collect(Collectors.joining(" / ")),
                DistillStatistics.meanSd(teachers.stream().map(DistillBenchmark.TeacherSummary::mathExactMatch).toList(), "%.3f"),
                DistillStatistics.meanSd(teachers.stream().map(DistillBenchmark.TeacherSummary::codePassAt1).toList(), "%.3f"),
                DistillStatistics.meanSd(teachers.stream().map(DistillBenchmark.TeacherSummary::answerCe).toList(), "%.3f"), teachers.size()));
        for (Map.Entry<RunConfig, List<RunOutcome>> row : byConfig().entrySet()) {
            RunConfig config = row.getKey();
            List<RunOutcome> runs = row.getValue();
            if (runs.isEmpty()) {
                continue;
            }
            table.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
                    config.label(), config.steps(), kLabel(config), lossLabel(config), weights(config),
                    DistillStatistics.meanSd(values(runs, r -> r.last().mathExactMatch()), "%.3f"),
                    DistillStatistics.meanSd(values(runs, r -> r.last().codePassAt1()), "%.3f"),
                    DistillStatistics.meanSd(values(runs, r -> r.last().answerCe()), "%.3f"),
                    DistillStatistics.meanSd(values(runs, r -> r.last().answerEce()), "%.3f"),
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
            case RS_KD_SFT -> "N = " + config.k() + " draws";
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

    /**
     * The K=64 cache is measured; a cache of fewer entries is that minus the entries it would not store. With a teacher
     * a cohort, the mean over the cohorts' caches.
     */
    private String cacheBytes(RunConfig config) {
        double perToken = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::bytesPerToken).toList());
        double perEntry = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::bytesPerEntry).toList());
        return switch (config.objective()) {
            case SFT -> "0 (no teacher)";
            case ONLINE_FULL_KD -> "0 (teacher in the trainer)";
            case KD_SFT -> config.k() == DistillPlan.CACHE_K
                    ? String.format(Locale.ROOT, "%.1f", perToken)
                    : String.format(Locale.ROOT, "%.1f (of the K=64 cache: %.1f)", perToken - (DistillPlan.CACHE_K - config.k()) * perEntry, perToken);
            // sweeps run on the first seeds only: the other cohorts filled no sampled cache
            case RS_KD_SFT -> String.format(Locale.ROOT, "%.1f", DistillStatistics.mean(outcome.teachers().stream()
                    .filter(t -> t.sampledBytesPerToken().containsKey(config.k())).map(t -> t.sampledBytesPerToken().get(config.k())).toList()));
        };
    }

    private static List<Double> values(List<RunOutcome> runs, ToDoubleFunction<RunOutcome> value) {
        return runs.stream().map(r -> value.applyAsDouble(r)).toList();
    }

    /**
     * Per seed: the SFT run's final accuracy, the fraction of SFT's steps at which KD+SFT first reaches it, and the
     * fraction at which SFT itself first reaches it (the baseline the headline must beat: a noisy or flat SFT curve
     * reaches its own final value before S), and how far the seed's teacher leads that final value (NaN where the
     * outcome has no teacher of the seed's cohort).
     */
    public record Headline(List<Long> seeds, List<Double> sftFinal, List<OptionalDouble> fractions, List<OptionalDouble> sftFractions,
                           List<Double> teacherLeads) {

        public List<Double> reached() {
            return present(fractions);
        }

        public List<Double> sftReached() {
            return present(sftFractions);
        }

        /** Seeds in which KD+SFT reaches SFT's final value by {@code fraction} of S and before SFT itself does. */
        public long earlierThanSftBy(double fraction) {
            long count = 0;
            for (int i = 0; i < seeds.size(); i++) {
                OptionalDouble kd = fractions.get(i);
                if (kd.isPresent() && kd.getAsDouble() <= fraction + 1e-9 && kd.getAsDouble() < sftFractions.get(i).orElse(Double.POSITIVE_INFINITY)) {
                    count++;
                }
            }
            return count;
        }

        private static List<Double> present(List<OptionalDouble> values) {
            return values.stream().filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble).toList();
        }
    }

    public Headline headline() {
        return headline(EvalPoint::accuracy);
    }

    /** The default pair's headline for one metric of a checkpoint (accuracy, math exact match, code pass@1). */
    public Headline headline(ToDoubleFunction<EvalPoint> metric) {
        return headline(plan.curvePairs().get(0), metric);
    }

    public Headline headline(DistillPlan.CurvePair pair, ToDoubleFunction<EvalPoint> metric) {
        List<RunOutcome> sft = byConfig().get(pair.sft());
        List<RunOutcome> kd = byConfig().get(pair.kd());
        List<Long> seeds = new ArrayList<>();
        List<Double> finals = new ArrayList<>();
        List<OptionalDouble> fractions = new ArrayList<>();
        List<OptionalDouble> sftFractions = new ArrayList<>();
        List<Double> teacherLeads = new ArrayList<>();
        for (RunOutcome sftRun : sft) {
            long seed = sftRun.run().seed();
            kd.stream().filter(r -> r.run().seed() == seed).findFirst().ifPresent(kdRun -> {
                double target = metric.applyAsDouble(sftRun.last());
                seeds.add(seed);
                finals.add(target);
                fractions.add(DistillStatistics.firstReach(kdRun.curve(), target, pair.sft().steps(), metric));
                sftFractions.add(DistillStatistics.firstReach(sftRun.curve(), target, pair.sft().steps(), metric));
                teacherLeads.add(teacherOf(sftRun.run()).map(t -> metric.applyAsDouble(t.scores()) - target).orElse(Double.NaN));
            });
        }
        return new Headline(seeds, finals, fractions, sftFractions, teacherLeads);
    }

    /** The teacher of the run's cohort (its data, teacher and cache). */
    private Optional<DistillBenchmark.TeacherSummary> teacherOf(DistillPlan.Run run) {
        DistillCohort cohort = setting.cohortOf(run);
        return outcome.teachers().stream().filter(t -> t.cohort().equals(cohort)).findFirst();
    }

    public String headlineText() {
        StringBuilder text = new StringBuilder();
        List<DistillPlan.CurvePair> pairs = plan.curvePairs();
        for (int i = 0; i < pairs.size(); i++) {
            DistillPlan.CurvePair pair = pairs.get(i);
            String condition = pair.sft().cleanFromScratch() ? "" : " (" + pair.sft().condition() + ")";
            text.append(headlineLine(pair, "test accuracy (mean of math exact match and code pass@1)" + condition, headline(pair, EvalPoint::accuracy), true));
            if (i == 0) {
                text.append(headlineLine(pair, "math exact match", headline(pair, EvalPoint::mathExactMatch), false));
                text.append(headlineLine(pair, "code pass@1", headline(pair, EvalPoint::codePassAt1), false));
            }
            shortScheduleRow(pair).ifPresent(row -> text.append(shortScheduleLine(pair, row, condition)));
        }
        text.append(teacherMargin());
        return text.toString();
    }

    private String headlineLine(DistillPlan.CurvePair pair, String metric, Headline headline, boolean first) {
        List<String> perSeed = new ArrayList<>();
        for (int i = 0; i < headline.seeds().size(); i++) {
            double lead = headline.teacherLeads().get(i);
            perSeed.add(String.format(Locale.ROOT, "seed %d: %s (SFT final %.3f, SFT itself %s%s)", headline.seeds().get(i),
                    fraction(headline.fractions().get(i), pair), headline.sftFinal().get(i), fraction(headline.sftFractions().get(i), pair),
                    Double.isNaN(lead) ? "" : String.format(Locale.ROOT, "; teacher %+.3f", lead)));
        }
        List<Double> reached = headline.reached();
        String fraction = reached.isEmpty() ? "never (in no seed)" : DistillStatistics.meanSd(reached, "%.2f");
        String sftFraction = DistillStatistics.meanSd(headline.sftReached(), "%.2f");
        long every = pair.kd().checkpointEvery(plan.curvePoints());
        String line = first
                ? String.format(Locale.ROOT, "- **Headline, %s: KD+SFT first reaches SFT's final value at %s of SFT's %d steps; SFT itself at %s** "
                        + "(reached in %d of %d seeds; by 0.7 of S and before SFT in %d of %d seeds, by 0.5 in %d; the seed's claim 0.7 in two thirds "
                        + "of the seeds, the aim 0.5 or less; checkpoints every %d steps, so resolved to %.2f). Per seed: %s.%n",
                metric, fraction, pair.sft().steps(), sftFraction, reached.size(), headline.seeds().size(), headline.earlierThanSftBy(0.7),
                headline.seeds().size(), headline.earlierThanSftBy(0.5), every, (double) every / pair.sft().steps(), String.join("; ", perSeed))
                : String.format(Locale.ROOT, "- The same for %s alone: %s, SFT itself %s (reached in %d of %d seeds). Per seed: %s.%n",
                metric, fraction, sftFraction, reached.size(), headline.seeds().size(), String.join("; ", perSeed));
        if (headline.sftFinal().stream().anyMatch(v -> v == 0)) {
            line += "  (SFT's final value is 0 for some seed: its fraction says nothing, any checkpoint reaches 0.)\n";
        }
        return line;
    }

    /** The pair's KD+SFT row trained for 0.7 S on its own schedule (its rate cools by its own last step), where the plan has it. */
    private Optional<RunConfig> shortScheduleRow(DistillPlan.CurvePair pair) {
        RunConfig shortKd = pair.kd().forSteps(DistillPlan.seventyPercent(pair.kd().steps()));
        return plan.configs().contains(shortKd) ? Optional.of(shortKd) : Optional.empty();
    }

    /** The seed's own measure's baseline: SFT trained for 0.7 S on its own schedule, where the plan has it. */
    private Optional<RunOutcome> shortScheduleSft(DistillPlan.CurvePair pair, long seed) {
        RunConfig shortSft = pair.sft().forSteps(DistillPlan.seventyPercent(pair.sft().steps()));
        return byConfig().getOrDefault(shortSft, List.of()).stream().filter(r -> r.run().seed() == seed).findFirst();
    }

    /**
     * The seed's own measure ("with only 70 % of the training steps ... still outperforms the baseline"): a KD+SFT run
     * of 0.7 S, not the S-long run's checkpoint at 0.7 S, whose learning rate is still high there. It holds for a seed
     * where that run ends at or above SFT at S and above SFT trained for the same 0.7 S (where that row ran): without
     * the latter, a shorter schedule's own gain would count as KD's.
     */
    private String shortScheduleLine(DistillPlan.CurvePair pair, RunConfig shortRow, String condition) {
        List<RunOutcome> sft = byConfig().get(pair.sft());
        List<RunOutcome> shortRuns = byConfig().get(shortRow);
        List<String> perSeed = new ArrayList<>();
        List<Double> shortAccuracy = new ArrayList<>();
        List<Double> sftAccuracy = new ArrayList<>();
        List<Double> shortSftAccuracy = new ArrayList<>();
        int held = 0;
        for (RunOutcome sftRun : sft) {
            Optional<RunOutcome> shortRun = shortRuns.stream().filter(r -> r.run().seed() == sftRun.run().seed()).findFirst();
            if (shortRun.isEmpty()) {
                continue;
            }
            EvalPoint ours = shortRun.get().last();
            EvalPoint theirs = sftRun.last();
            Optional<EvalPoint> shortSft = shortScheduleSft(pair, sftRun.run().seed()).map(RunOutcome::last);
            shortAccuracy.add(ours.accuracy());
            sftAccuracy.add(theirs.accuracy());
            shortSft.ifPresent(point -> shortSftAccuracy.add(point.accuracy()));
            held += ours.accuracy() >= theirs.accuracy() && shortSft.map(point -> ours.accuracy() > point.accuracy()).orElse(true) ? 1 : 0;
            perSeed.add(String.format(Locale.ROOT, "seed %d: %.3f against %.3f%s (math %.3f / %.3f, code %.3f / %.3f)", sftRun.run().seed(),
                    ours.accuracy(), theirs.accuracy(), shortSft.map(point -> String.format(Locale.ROOT, " and %.3f", point.accuracy())).orElse(""),
                    ours.mathExactMatch(), theirs.mathExactMatch(), ours.codePassAt1(), theirs.codePassAt1()));
        }
        if (perSeed.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "- **The seed's own measure%s, KD+SFT trained for %d steps (0.7 S, on its own schedule) against SFT at S%s: test accuracy "
                        + "%s against %s%s; it holds in %d of %d seeds.** Per seed: %s.%n", condition, shortRow.steps(),
                shortSftAccuracy.isEmpty() ? "" : " and SFT trained for the same 0.7 S", DistillStatistics.meanSd(shortAccuracy, "%.3f"),
                DistillStatistics.meanSd(sftAccuracy, "%.3f"),
                shortSftAccuracy.isEmpty() ? "" : " and " + DistillStatistics.meanSd(shortSftAccuracy, "%.3f"), held, perSeed.size(),
                String.join("; ", perSeed));
    }

    private static String fraction(OptionalDouble fraction, DistillPlan.CurvePair pair) {
        return fraction.isPresent() ? String.format(Locale.ROOT, "%.2f", fraction.getAsDouble()) : "not reached by step " + pair.kd().steps();
    }

    /** The teacher's lead over the default SFT row's final scores, which the seed-like setting needs to be 0.15 or more on both datasets. */
    private String teacherMargin() {
        List<RunOutcome> sft = byConfig().get(plan.sftCurve());
        double teacherMath = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::mathExactMatch).toList());
        double teacherCode = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::codePassAt1).toList());
        double math = teacherMath - DistillStatistics.mean(values(sft, r -> r.last().mathExactMatch()));
        double code = teacherCode - DistillStatistics.mean(values(sft, r -> r.last().codePassAt1()));
        double entropy = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::answerEntropy).toList());
        double margin = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::answerMargin).toList());
        // teachers whose results were kept before the figure existed do not have it: the mean is over those that do
        List<DistillBenchmark.TeacherSummary> measured = outcome.teachers().stream().filter(t -> !Double.isNaN(t.wrongRepaired())).toList();
        double repaired = DistillStatistics.mean(measured.stream().map(DistillBenchmark.TeacherSummary::wrongRepaired).toList());
        double measuredTest = DistillStatistics.mean(measured.stream().map(t -> (t.mathExactMatch() + t.codePassAt1()) / 2).toList());
        String which = measured.size() < outcome.teachers().size() ? " (" + measured.size() + " of " + outcome.teachers().size() + " teachers)" : "";
        return String.format(Locale.ROOT, "- Teacher's lead over the student's SFT at S: math %+.3f, code %+.3f (%s; a strong teacher leads by 0.15 or more on both). "
                        + "At the test responses' tokens the teacher's distribution has entropy %.3f nats and its top token leads the second by %.3f "
                        + "in probability (what KD can pass on beyond the greedy response: the lower the entropy and the higher the margin, the less).%s%n",
                math, code, math >= 0.15 && code >= 0.15 ? "strong on both" : "not strong on both", entropy, margin,
                Double.isNaN(repaired) ? "" : String.format(Locale.ROOT, " On the students' wrong-labelled training examples the teacher answers "
                        + "%.3f right (on the test sets %.3f)%s: where KD's targets can mend the label, unless the teacher learnt the mistake too.",
                        repaired, measuredTest, which)) + teachers();
    }

    /** Each cohort's teacher: its phases, its test scores and, where gated, its validation scores against the gate. */
    private String teachers() {
        List<String> each = new ArrayList<>();
        List<DistillBenchmark.TeacherSummary> teachers = outcome.teachers();
        for (int i = 0; i < teachers.size(); i++) {
            DistillBenchmark.TeacherSummary t = teachers.get(i);
            each.add(String.format(Locale.ROOT, "%d: %s, test math %.3f, code %.3f%s", i + 1, t.training().phases(), t.mathExactMatch(), t.codePassAt1(),
                    t.training().gate() == 0 ? "" : String.format(Locale.ROOT, " (validation %.3f, %.3f: %s the gate %.2f)",
                            t.training().validationMath(), t.training().validationCode(), t.training().passed() ? "passed" : "below", t.training().gate())));
        }
        long below = teachers.stream().filter(t -> !t.training().passed()).count();
        return String.format(Locale.ROOT, "- Teachers by cohort: %s.%s%n", String.join("; ", each),
                below == 0 ? "" : String.format(Locale.ROOT, " **%d of %d teachers stayed below the gate**: their seeds are not the seed's conditions.", below, teachers.size()));
    }

    /**
     * The final checkpoints' solved share by problem family, mean over seeds, beside the teacher's, for every headline
     * pair: which tasks a row gains or loses against SFT and where the teacher leads. Empty when no result has families.
     */
    public String familyTable() {
        Set<String> families = new TreeSet<>();
        outcome.teachers().forEach(t -> families.addAll(t.solvedByFamily().keySet()));
        outcome.runs().forEach(r -> families.addAll(r.last().solvedByFamily().keySet()));
        if (families.isEmpty()) {
            return "";
        }
        List<RunConfig> rows = plan.curvePairs().stream().flatMap(pair -> Stream.of(pair.sft(), pair.kd())).toList();
        StringBuilder table = new StringBuilder("Solved share by problem family, final checkpoints, mean over seeds:\n\n| family | teacher |");
        rows.forEach(row -> table.append(' ').append(row.label()).append(" |"));
        table.append("\n|---|---|").append("---|".repeat(rows.size())).append('\n');
        for (String family : families) {
            table.append("| ").append(family).append(" | ")
                    .append(familyMean(outcome.teachers().stream().map(t -> t.solvedByFamily().get(family)).toList())).append(" |");
            for (RunConfig row : rows) {
                table.append(' ').append(familyMean(byConfig().getOrDefault(row, List.of()).stream()
                        .map(run -> run.last().solvedByFamily().get(family)).toList())).append(" |");
            }
            table.append('\n');
        }
        return table.toString();
    }

    /** The mean of the values measured (a result kept before families were measured has none), or "-" without any. */
    private static String familyMean(List<Double> values) {
        List<Double> measured = values.stream().filter(Objects::nonNull).toList();
        return measured.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", DistillStatistics.mean(measured));
    }

    /** Every evaluated checkpoint, one CSV line each. */
    public String csv() {
        StringBuilder csv = new StringBuilder("run_id,config,seed,step,math_exact_match,code_pass_at1,math_ce,code_ce,math_ece,code_ece,step_ms,peak_rss_bytes,wall_s,"
                + "solved_by_family\n");
        for (RunOutcome run : outcome.runs()) {
            for (EvalPoint point : run.curve()) {
                String families = point.solvedByFamily().entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s=%.4f", e.getKey(), e.getValue())).collect(Collectors.joining(";"));
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.3f,%d,%.1f,%s%n", run.runId(), run.run().config().slug(),
                        run.run().seed(), point.step(), point.mathExactMatch(), point.codePassAt1(), point.mathCe(), point.codeCe(),
                        point.mathEce(), point.codeEce(),
                        run.training().stepMillis(), run.training().peakRssBytes(), run.wallSeconds(), families));
            }
        }
        return csv.toString();
    }

    public String svg() {
        double math = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::mathExactMatch).toList());
        double code = DistillStatistics.mean(outcome.teachers().stream().map(DistillBenchmark.TeacherSummary::codePassAt1).toList());
        List<List<EvalPoint>> sft = byConfig().get(plan.sftCurve()).stream().map(RunOutcome::curve).toList();
        List<List<EvalPoint>> kd = byConfig().get(plan.kdCurve()).stream().map(RunOutcome::curve).toList();
        return LearningCurveSvg.render(sft, kd, plan.steps(), List.of(
                new LearningCurveSvg.Panel("test accuracy (mean of math EM and code pass@1)", EvalPoint::accuracy, (math + code) / 2),
                new LearningCurveSvg.Panel("math exact match", EvalPoint::mathExactMatch, math),
                new LearningCurveSvg.Panel("code pass@1", EvalPoint::codePassAt1, code)));
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
