package io.kdstream.cli.bench.soak;

import java.util.Locale;

/** An interval's figures as one terminal line, under a header. */
final class SoakConsole {

    static final String HEADER = "     s  prompts/s  logits/s  steps/s  evals  lag: router workers trainer eval"
            + "  fresh p50/p99 s  teacher ms  heap/live/RSS/anon MB";

    private SoakConsole() {
    }

    static String line(SoakInterval i) {
        return String.format(Locale.ROOT, "%6.0f  %9.1f  %8.1f  %7.1f  %5d  %11d %7d %7d %4d  %6.3f/%-7.3f  %10.1f  %4.0f/%.0f/%.0f/%.0f",
                i.endSeconds(), i.promptsPerSecond(), i.logitsPerSecond(), i.stepsPerSecond(), i.evaluations(), i.routerLag(), i.workerLag(),
                i.trainerLag(), i.evaluatorLag(), i.freshness().toDrawn().p50(), i.freshness().toDrawn().p99(), i.teacherBatchMillis(),
                i.memory().heapUsedBytes() / 1048576.0, i.memory().liveHeapBytes() / 1048576.0, i.memory().rssBytes() / 1048576.0,
                i.memory().rssAnonBytes() / 1048576.0);
    }
}
