package io.kdstream.cli.bench.soak;

/**
 * One reporting interval of a soak (a minute from the command line).
 *
 * @param endSeconds seconds since the pipeline started, at the interval's end
 * @param promptsPerSecond prompts stored in {@code kd.prompts}
 * @param logitsPerSecond sequences whose logits the workers committed
 * @param stepsPerSecond training steps
 * @param evaluations evaluations published in the interval
 * @param routerLag the router's offsets behind on {@code kd.prompts} at the interval's end (-1: none committed yet)
 * @param workerLag the workers' group's offsets behind on {@code kd.teacher.requests}
 * @param trainerLag records of {@code kd.teacher.logits} not yet in the trainer's local cache
 * @param evaluatorLag the evaluator's offsets behind on {@code kd.checkpoints}
 * @param freshness the latencies of the interval's prompts (see {@link Freshness})
 * @param teacherBatchMillis the workers' mean teacher time a batch (forward pass and top-K), NaN without batches
 * @param memory at the interval's end
 */
record SoakInterval(double endSeconds, double promptsPerSecond, double logitsPerSecond, double stepsPerSecond, long evaluations,
                    long routerLag, long workerLag, long trainerLag, long evaluatorLag, Freshness.Window freshness,
                    double teacherBatchMillis, ProcessMemory memory) {
}
