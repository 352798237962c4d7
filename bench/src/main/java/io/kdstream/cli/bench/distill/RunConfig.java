package io.kdstream.cli.bench.distill;

import java.util.Locale;

/**
 * One row of the distillation table: a student objective with its settings, run once per seed.
 *
 * @param objective       SFT (CE only), KD_SFT (cached top-K through the trainer), RS_KD_SFT (cached sampled tokens with
 *                        counts, RS-KD, through the trainer) or ONLINE_FULL_KD (teacher in the trainer)
 * @param steps           optimiser steps
 * @param k               top-K used in training (the vocabulary size for online full-vocabulary KD; the draws a position
 *                        for RS-KD; 0 for SFT)
 * @param variant         {@code renormalised}, {@code tail} or (RS-KD) {@code sampled}
 * @param direction       {@code forward} or {@code reverse}
 * @param kdWeight        w_kd
 * @param sftWeight       w_sft
 * @param curve           whether checkpoints are evaluated along the way (learning curve), not only at the end
 * @param wrongShare      the share of wrong responses in the training data (and the teacher's) this row trains on
 * @param start           random weights or the pretrained base student
 * @param sweep           a sweep row (run for the plan's sweep seeds only), not one of the headline's rows
 */
public record RunConfig(Objective objective, long steps, int k, String variant, String direction, double kdWeight,
                        double sftWeight, boolean curve, double wrongShare, StudentStart start, boolean sweep) {

    public enum Objective {
        SFT("SFT"), KD_SFT("KD+SFT"), RS_KD_SFT("RS-KD+SFT"), ONLINE_FULL_KD("online full-vocab KD+SFT");

        private final String label;

        Objective(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static RunConfig sft(long steps, boolean curve) {
        return new RunConfig(Objective.SFT, steps, 0, "-", "-", 0, 1, curve, 0, StudentStart.SCRATCH, false);
    }

    public static RunConfig kd(long steps, int k, String variant, String direction, double kdWeight, double sftWeight, boolean curve) {
        return new RunConfig(Objective.KD_SFT, steps, k, variant, direction, kdWeight, sftWeight, curve, 0, StudentStart.SCRATCH, false);
    }

    /** RS-KD: {@code draws} tokens a position sampled from the teacher, stored with their counts (a cache of its own). */
    public static RunConfig rsKd(long steps, int draws, double kdWeight, double sftWeight) {
        return new RunConfig(Objective.RS_KD_SFT, steps, draws, "sampled", "forward", kdWeight, sftWeight, false, 0, StudentStart.SCRATCH, false);
    }

    public static RunConfig online(long steps, int vocabulary, double kdWeight, double sftWeight) {
        return new RunConfig(Objective.ONLINE_FULL_KD, steps, vocabulary, "renormalised", "forward", kdWeight, sftWeight, false, 0,
                StudentStart.SCRATCH, false);
    }

    /** The same row on other data and from another start (the factories make clean data and random weights). */
    public RunConfig on(double share, StudentStart from) {
        return new RunConfig(objective, steps, k, variant, direction, kdWeight, sftWeight, curve, share, from, sweep);
    }

    /** The same row as a sweep: run for the plan's sweep seeds only. */
    /** The same row trained for {@code otherSteps} on its own schedule, without a curve (e.g. the 0.7 S row of an S row). */
    public RunConfig forSteps(long otherSteps) {
        return new RunConfig(objective, otherSteps, k, variant, direction, kdWeight, sftWeight, false, wrongShare, start, sweep);
    }

    public RunConfig asSweep() {
        return new RunConfig(objective, steps, k, variant, direction, kdWeight, sftWeight, curve, wrongShare, start, true);
    }

    /** Clean data from random weights: the control's condition, which names and labels leave unsaid. */
    public boolean cleanFromScratch() {
        return wrongShare == 0 && start == StudentStart.SCRATCH;
    }

    /** Whether two rows train on the same data from the same start (so a headline can pair them). */
    public boolean sameCondition(RunConfig other) {
        return wrongShare == other.wrongShare && start == other.start;
    }

    /** A short name that is unique within a plan, for run ids and files. */
    public String slug() {
        return objectiveSlug() + (cleanFromScratch() ? "" : "-" + condition().replace(' ', '-').replace(".", "p"));
    }

    private String objectiveSlug() {
        return switch (objective) {
            case SFT -> "sft-" + steps;
            case KD_SFT -> String.format(Locale.ROOT, "kd-%d-k%d-%s-%s-w%s-%s", steps, k, variant.substring(0, 3), direction.substring(0, 3),
                    weight(kdWeight), weight(sftWeight));
            case RS_KD_SFT -> String.format(Locale.ROOT, "rskd-%d-n%d-w%s-%s", steps, k, weight(kdWeight), weight(sftWeight));
            case ONLINE_FULL_KD -> String.format(Locale.ROOT, "online-%d-w%s-%s", steps, weight(kdWeight), weight(sftWeight));
        };
    }

    /** The objective's name with its weights, as the table shows it. */
    public String label() {
        return objectiveLabel() + (cleanFromScratch() ? "" : " (" + condition() + ")");
    }

    /** The data and start, e.g. {@code wrong 0.1 pretrained}. */
    public String condition() {
        return "wrong " + weight(wrongShare).replace('p', '.') + " " + start.configName();
    }

    private String objectiveLabel() {
        if (objective == Objective.SFT) {
            return "SFT";
        }
        if (objective == Objective.ONLINE_FULL_KD) {
            return objective.label();
        }
        if (objective == Objective.RS_KD_SFT) {
            return sftWeight == 0 ? "RS-KD" : objective.label();
        }
        return sftWeight == 0 ? "KD" : objective.label();
    }

    public int checkpoints(int curvePoints) {
        return curve ? curvePoints : 1;
    }

    /** Steps between checkpoints: S / points for a curve, else only the final one. */
    public long checkpointEvery(int curvePoints) {
        return curve ? Math.max(1, steps / curvePoints) : steps;
    }

    private static String weight(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value).replace('.', 'p');
    }
}
