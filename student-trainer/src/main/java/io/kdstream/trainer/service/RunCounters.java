package io.kdstream.trainer.service;

import io.kdstream.trainer.cache.CacheIngest;
import io.kdstream.trainer.cache.DiskLogitCache;
import io.kdstream.trainer.sampling.BatchSampler;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.StudentOptimizer;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What a trainer's run has counted so far, and when it last did its periodic chores: the trainer's mutable state
 * beside its model, cache and sampler, and what its {@link TrainerService.Progress} reports. Used from the trainer's
 * loop thread only.
 */
final class RunCounters {

    private static final long LAG_REFRESH_NANOS = 2_000_000_000L;

    private StepMetrics lastStep;
    private long lastCheckpointStep;
    private long checkpoints;
    private long tokensSeen;
    private long trainingNanos;
    private long lastCommitNanos;
    private long lastLagNanos;
    private long lag;
    private long cacheRebuilds;
    private long refusedCheckpoints;
    /** Cached records found malformed when first trained on (those refused at ingest are counted by the ingest). */
    private long deadLetteredWhenDrawn;
    private long resumedFromStep = -1;

    /** The run goes on from a checkpoint at {@code step}, after {@code tokensSeen} tokens. */
    void resumed(long step, long tokensSeen) {
        this.tokensSeen = tokensSeen;
        lastCheckpointStep = step;
        resumedFromStep = step;
    }

    void stepTaken(StepMetrics step, long nanos) {
        trainingNanos += nanos;
        tokensSeen += step.tokens();
        lastStep = step;
    }

    void checkpointed(long step) {
        lastCheckpointStep = step;
        checkpoints++;
    }

    /** True when steps were taken after the last checkpoint. */
    boolean hasUnsavedSteps(long completedSteps) {
        return completedSteps > lastCheckpointStep && lastStep != null;
    }

    void cacheRebuilt() {
        cacheRebuilds++;
    }

    void checkpointRefused() {
        refusedCheckpoints++;
    }

    void drawnRecordDeadLettered() {
        deadLetteredWhenDrawn++;
    }

    /** The local cache was committed now. */
    void cacheCommitted() {
        lastCommitNanos = System.nanoTime();
    }

    boolean cacheCommitDue(Duration interval) {
        return System.nanoTime() - lastCommitNanos > interval.toNanos();
    }

    /** Asks {@code lag} again when the last answer is two seconds old: it asks the broker. */
    void refreshLag(LongSupplier lag) {
        if (System.nanoTime() - lastLagNanos > LAG_REFRESH_NANOS) {
            this.lag = lag.getAsLong();
            lastLagNanos = System.nanoTime();
        }
    }

    StepMetrics lastStep() {
        return lastStep;
    }

    long tokensSeen() {
        return tokensSeen;
    }

    double tokensPerSecond() {
        return trainingNanos == 0 ? 0 : tokensSeen / (trainingNanos / 1e9);
    }

    /** The run's progress in {@code phase}; each of the others is null until the trainer has opened it. */
    TrainerService.Progress progress(TrainerService.Phase phase, long maxSteps, StudentOptimizer optimizer, BatchSampler sampler,
                                     DiskLogitCache cache, CacheIngest ingest) {
        return new TrainerService.Progress(phase, optimizer == null ? 0 : optimizer.completedSteps(), maxSteps,
                sampler == null ? 0 : sampler.epoch(), cache == null ? 0 : cache.liveCount(), cache == null ? 0 : cache.bytes(), lag,
                tokensPerSecond(), checkpoints, ingest == null ? 0 : ingest.otherTeacherRecords(),
                (ingest == null ? 0 : ingest.deadLettered()) + deadLetteredWhenDrawn, lastStep, cacheRebuilds,
                refusedCheckpoints, resumedFromStep);
    }
}
