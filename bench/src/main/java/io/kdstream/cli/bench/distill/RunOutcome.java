package io.kdstream.cli.bench.distill;

import java.util.List;

/**
 * A finished student run: what it reported about its training, and its evaluated checkpoints in step order.
 *
 * @param wallSeconds the student process from start to exit (JVM start, reading the cache or the prompts, training,
 *     checkpoints)
 */
public record RunOutcome(DistillPlan.Run run, String runId, StudentRunProcess.Result training, double wallSeconds, List<EvalPoint> curve) {

    public EvalPoint last() {
        return curve.get(curve.size() - 1);
    }
}
