package io.kdstream.cli.bench.distill;

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

    /** The tag: what {@code --base-corpus} takes (picocli matches an enum constant's string). */
    @Override
    public String toString() {
        return tag;
    }
}
