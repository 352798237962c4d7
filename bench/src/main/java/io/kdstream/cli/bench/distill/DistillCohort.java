package io.kdstream.cli.bench.distill;

import java.util.Locale;

/**
 * Runs that share their training data, teacher, base student and logit cache: one data seed, one teacher seed, one
 * share of wrong responses. Each cohort runs on a platform of its own, so its topics hold its data only.
 */
public record DistillCohort(long dataSeed, long teacherSeed, double wrongShare) {

    public String describe() {
        return String.format(Locale.ROOT, "data seed %d, teacher seed %d, wrong share %s", dataSeed, teacherSeed, wrongShare);
    }
}
