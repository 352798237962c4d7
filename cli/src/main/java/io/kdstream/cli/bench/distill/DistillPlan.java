package io.kdstream.cli.bench.distill;

import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmark runs: the seed's table (SFT for S steps, KD+SFT for 0.7 S and S) and the sweeps around the
 * default KD+SFT row (K, SFT weight, loss variant, KL direction), plus online full-vocabulary KD.
 *
 * <p>The default KD+SFT row is NeMo-Aligner's tutorial objective: w_kd 1, w_sft 0.4, renormalised forward KL, here at
 * the K the cache stores (64).
 */
public record DistillPlan(long steps, List<Long> seeds, List<RunConfig> configs, int curvePoints) {

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

    /** The smoke run: SFT, KD+SFT at S and 0.7 S, online full-vocabulary KD. */
    public static DistillPlan quick(long steps, List<Long> seeds, int vocabulary, int curvePoints) {
        return new DistillPlan(steps, seeds, List.of(
                RunConfig.sft(steps, true),
                RunConfig.kd(steps, CACHE_K, "renormalised", "forward", 1, 0.4, true),
                RunConfig.kd(seventyPercent(steps), CACHE_K, "renormalised", "forward", 1, 0.4, false),
                RunConfig.online(steps, vocabulary, 1, 0.4)), curvePoints);
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
                runs.add(new Run(config, seed));
            }
        }
        return runs;
    }

    /** The SFT row with curve and the default KD+SFT row with curve, for the headline. */
    public RunConfig sftCurve() {
        return configs.stream().filter(c -> c.objective() == RunConfig.Objective.SFT && c.curve()).findFirst().orElseThrow();
    }

    public RunConfig kdCurve() {
        return configs.stream().filter(c -> c.objective() == RunConfig.Objective.KD_SFT && c.curve()).findFirst().orElseThrow();
    }
}
