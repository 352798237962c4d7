package io.kdstream.cli.bench.distill;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the benchmark runs: the seed's table (SFT for S steps, KD+SFT for 0.7 S and S) and the sweeps around the
 * default KD+SFT row (K, SFT weight, loss variant, KL direction), plus online full-vocabulary KD.
 *
 * <p>The default KD+SFT row is NeMo-Aligner's tutorial objective: w_kd 1, w_sft 0.4, renormalised forward KL, here at
 * the K the cache stores (64).
 *
 * <p>A plan is plain data: rows can be added (other objectives, other conditions) and the table, the headlines and
 * the cohorts follow from the rows. Sweep rows ({@link RunConfig#sweep}) run for {@code sweepSeeds} only, the headline's
 * rows for every seed: the sweeps multiply the cost of a seed several times over.
 */
public record DistillPlan(long steps, List<Long> seeds, List<RunConfig> configs, int curvePoints, List<Long> sweepSeeds) {

    /** Every row for every seed. */
    public DistillPlan(long steps, List<Long> seeds, List<RunConfig> configs, int curvePoints) {
        this(steps, seeds, configs, curvePoints, seeds);
    }

    public static final int CACHE_K = 64;

    public static long seventyPercent(long steps) {
        return Math.round(steps * 0.7);
    }

    public static DistillPlan full(long steps, List<Long> seeds, int vocabulary, int curvePoints) {
        List<RunConfig> configs = new ArrayList<>();
        configs.add(RunConfig.sft(steps, true));
        configs.add(RunConfig.kd(steps, CACHE_K, "renormalised", "forward", 1, 0.4, true));
        configs.add(RunConfig.kd(seventyPercent(steps), CACHE_K, "renormalised", "forward", 1, 0.4, false));
        for (int k : new int[] {1, 4, 16}) {
            configs.add(RunConfig.kd(steps, k, "renormalised", "forward", 1, 0.4, false));
        }
        configs.add(RunConfig.kd(steps, CACHE_K, "renormalised", "forward", 1, 0, false));
        configs.add(RunConfig.kd(steps, CACHE_K, "renormalised", "forward", 1, 1, false));
        configs.add(RunConfig.kd(steps, CACHE_K, "tail", "forward", 1, 0.4, false));
        configs.add(RunConfig.kd(steps, CACHE_K, "renormalised", "reverse", 1, 0.4, false));
        configs.add(RunConfig.online(steps, vocabulary, 1, 0.4));
        return new DistillPlan(steps, seeds, configs, curvePoints);
    }

    /** The sweeps of the seed-like table around its default KD+SFT row; a run can pick any subset. */
    public enum Sweep {
        /** K 1, 4 and 16 beside the cache's 64. */
        K,
        /** w_sft 1 beside 0.4. */
        SFT_WEIGHT,
        /** the tail variant beside renormalised. */
        VARIANT,
        /** reverse KL beside forward. */
        DIRECTION,
        /** online full-vocabulary KD (the teacher in the trainer). */
        ONLINE,
        /** RS-KD (sampled tokens with counts) at the draws of {@link #RS_KD_DRAWS}, each from a cache of its own. */
        RS_KD,
        /** SFT and KD+SFT on data with each other wrong share of {0, 0.1, 0.3}. */
        WRONG_SHARE,
        /** SFT and KD+SFT from the other start (scratch against pretrained), at S and at 0.7 S like the headline's. */
        STUDENT;

        public static final List<Double> WRONG_SHARES = List.of(0.0, 0.1, 0.3);
        /**
         * The paper's 12 draws a position (SampledTokens.DEFAULT_DRAWS) and 64, which at real vocabularies costs about
         * the bytes of top-16 (BENCHMARKS.md, the codec's RS-KD table); the table shows each cache's bytes a token.
         */
        public static final List<Integer> RS_KD_DRAWS = List.of(io.kdstream.model.sampled.SampledTokens.DEFAULT_DRAWS, 64);

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Sweep parse(String name) {
            for (Sweep sweep : values()) {
                if (sweep.configName().equals(name.trim())) {
                    return sweep;
                }
            }
            throw new IllegalArgumentException("unknown sweep '" + name + "': use k, sft-weight, variant, direction, online, rs-kd, wrong-share or student");
        }
    }

    /**
     * The seed-like table: SFT and KD+SFT (curves), KD+SFT and SFT at 0.7 S on data with {@code wrongShare} wrong responses
     * from {@code start}, then the chosen sweeps. Rows of another condition (wrong share, start) come in pairs, SFT and
     * KD+SFT with curves, so each condition has its own headline.
     */
    public static DistillPlan seedLike(long steps, List<Long> seeds, int vocabulary, int curvePoints, double wrongShare, StudentStart start,
                                       Set<Sweep> sweeps) {
        return seedLike(steps, seeds, vocabulary, curvePoints, wrongShare, start, sweeps, seeds.size());
    }

    /** The seed-like table with its sweep rows run for the first {@code sweepSeedCount} seeds only. */
    public static DistillPlan seedLike(long steps, List<Long> seeds, int vocabulary, int curvePoints, double wrongShare, StudentStart start,
                                       Set<Sweep> sweeps, int sweepSeedCount) {
        List<RunConfig> configs = new ArrayList<>(headlineRows(steps, wrongShare, start));
        int headline = configs.size();
        if (sweeps.contains(Sweep.K)) {
            for (int k : new int[] {1, 4, 16}) {
                configs.add(RunConfig.kd(steps, k, "renormalised", "forward", 1, 0.4, false).on(wrongShare, start));
            }
        }
        if (sweeps.contains(Sweep.SFT_WEIGHT)) {
            configs.add(RunConfig.kd(steps, CACHE_K, "renormalised", "forward", 1, 1, false).on(wrongShare, start));
        }
        if (sweeps.contains(Sweep.VARIANT)) {
            configs.add(RunConfig.kd(steps, CACHE_K, "tail", "forward", 1, 0.4, false).on(wrongShare, start));
        }
        if (sweeps.contains(Sweep.DIRECTION)) {
            configs.add(RunConfig.kd(steps, CACHE_K, "renormalised", "reverse", 1, 0.4, false).on(wrongShare, start));
        }
        if (sweeps.contains(Sweep.ONLINE)) {
            configs.add(RunConfig.online(steps, vocabulary, 1, 0.4).on(wrongShare, start));
        }
        if (sweeps.contains(Sweep.RS_KD)) {
            Sweep.RS_KD_DRAWS.forEach(draws -> configs.add(RunConfig.rsKd(steps, draws, 1, 0.4).on(wrongShare, start)));
        }
        if (sweeps.contains(Sweep.WRONG_SHARE)) {
            Sweep.WRONG_SHARES.stream().filter(share -> share != wrongShare).forEach(share -> configs.addAll(curvePair(steps, share, start)));
        }
        if (sweeps.contains(Sweep.STUDENT)) {
            configs.addAll(headlineRows(steps, wrongShare, start == StudentStart.SCRATCH ? StudentStart.PRETRAINED : StudentStart.SCRATCH));
        }
        for (int i = headline; i < configs.size(); i++) {
            configs.set(i, configs.get(i).asSweep());
        }
        return new DistillPlan(steps, seeds, configs, curvePoints, seeds.subList(0, Math.min(sweepSeedCount, seeds.size())));
    }

    /**
     * A condition's rows for both of the seed's measures: SFT and KD+SFT for S with curves (the headline's first reach),
     * and both trained for 0.7 S on their own schedules (the seed's own measure and its baseline).
     */
    private static List<RunConfig> headlineRows(long steps, double wrongShare, StudentStart start) {
        List<RunConfig> rows = new ArrayList<>(curvePair(steps, wrongShare, start));
        rows.add(RunConfig.kd(seventyPercent(steps), CACHE_K, "renormalised", "forward", 1, 0.4, false).on(wrongShare, start));
        rows.add(RunConfig.sft(seventyPercent(steps), false).on(wrongShare, start));
        return rows;
    }

    private static List<RunConfig> curvePair(long steps, double wrongShare, StudentStart start) {
        return List.of(RunConfig.sft(steps, true).on(wrongShare, start),
                RunConfig.kd(steps, CACHE_K, "renormalised", "forward", 1, 0.4, true).on(wrongShare, start));
    }

    /** Each cohort's share of the plan (its seeds and its rows), in the order of the plan's runs. */
    public Map<DistillCohort, DistillPlan> byCohort(DistillSetting setting) {
        Map<DistillCohort, DistillPlan> plans = new LinkedHashMap<>();
        for (Run run : runs()) {
            plans.computeIfAbsent(setting.cohortOf(run), cohort -> new DistillPlan(steps,
                    seeds.stream().filter(seed -> setting.dataSeed(seed) == cohort.dataSeed() && setting.teacherSeed(seed) == cohort.teacherSeed()).toList(),
                    configs.stream().filter(c -> c.wrongShare() == cohort.wrongShare()).toList(), curvePoints, sweepSeeds));
        }
        return plans;
    }

    /** The same rows on other data or from another start (e.g. the control's table from a pretrained student). */
    public DistillPlan on(double wrongShare, StudentStart start) {
        return new DistillPlan(steps, seeds, configs.stream().map(c -> c.on(wrongShare, start)).toList(), curvePoints, sweepSeeds);
    }

    /** The smoke run: SFT, KD+SFT at S and 0.7 S, online full-vocabulary KD. */
    public static DistillPlan quick(long steps, List<Long> seeds, int vocabulary, int curvePoints) {
        return new DistillPlan(steps, seeds, List.of(
                RunConfig.sft(steps, true),
                RunConfig.kd(steps, CACHE_K, "renormalised", "forward", 1, 0.4, true),
                RunConfig.kd(seventyPercent(steps), CACHE_K, "renormalised", "forward", 1, 0.4, false),
                RunConfig.online(steps, vocabulary, 1, 0.4)), curvePoints);
    }

    /** The draws of the plan's RS-KD rows, each a sampled cache the benchmark fills beside the top-K one. */
    public List<Integer> rsKdDraws() {
        return configs.stream().filter(c -> c.objective() == RunConfig.Objective.RS_KD_SFT).map(RunConfig::k).distinct().sorted().toList();
    }

    public record Run(RunConfig config, long seed) {
        public String runId(String benchId) {
            return "distill-" + benchId + "-" + config.slug() + "-s" + seed;
        }
    }

    /** Every run, seed-major so an interrupted run still has every config for the first seeds. */
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (long seed : seeds) {
            for (RunConfig config : configs) {
                if (!config.sweep() || sweepSeeds.contains(seed)) {
                    runs.add(new Run(config, seed));
                }
            }
        }
        return runs;
    }

    /** An SFT row and a KD+SFT row of the same condition and steps, both with curves: what a headline compares. */
    public record CurvePair(RunConfig sft, RunConfig kd) {
    }

    /** Every headline's pair, the plan's default condition first. */
    public List<CurvePair> curvePairs() {
        List<CurvePair> pairs = new ArrayList<>();
        for (RunConfig sft : configs) {
            if (sft.objective() == RunConfig.Objective.SFT && sft.curve()) {
                configs.stream().filter(kd -> kd.objective() == RunConfig.Objective.KD_SFT && kd.curve() && kd.steps() == sft.steps()
                        && kd.sameCondition(sft)).findFirst().ifPresent(kd -> pairs.add(new CurvePair(sft, kd)));
            }
        }
        return pairs;
    }

    /** The SFT row with curve and the default KD+SFT row with curve, for the headline. */
    public RunConfig sftCurve() {
        return curvePairs().get(0).sft();
    }

    public RunConfig kdCurve() {
        return curvePairs().get(0).kd();
    }
}
