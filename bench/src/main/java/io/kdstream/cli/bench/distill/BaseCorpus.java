package io.kdstream.cli.bench.distill;

import java.util.Locale;

/**
 * What a pretrained base student is pretrained on: general data of the tasks' language, never the students' answers.
 * {@link #TEXT}: the training problems' text alone. {@link #TEXT_AND_OTHERS}: that and clean worked examples of the
 * other difficulty levels, which teach much of the skill itself (the same problem families at other sizes).
 */
public enum BaseCorpus {
    TEXT("text"), TEXT_AND_OTHERS("text+others");

    private final String tag;

    BaseCorpus(String tag) {
        this.tag = tag;
    }

    /** As file names and the command line write it: {@code text} or {@code text+others}. */
    public String tag() {
        return tag;
    }

    public static BaseCorpus parse(String name) {
        for (BaseCorpus corpus : values()) {
            if (corpus.tag.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return corpus;
            }
        }
        throw new IllegalArgumentException("unknown base corpus '" + name + "': use text or text+others");
    }
}
