package io.kdstream.cli.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The soak's bookkeeping: exact counts and duplicates, nearest-rank percentiles to 0.1%, nothing held once a prompt is done. */
class FreshnessTest {

    private static final SoakPromptIds IDS = new SoakPromptIds("soak-1");
    private static final long MS = 1_000_000L;

    @Test
    void shouldCountEachPromptOnceAndEveryDuplicateCommit() {
        Freshness freshness = new Freshness(IDS);
        for (int i = 0; i < 3; i++) {
            freshness.produced(i, 0);
        }
        freshness.committed(IDS.id(0), 10 * MS);
        freshness.committed(IDS.id(0), 11 * MS);
        freshness.drawn(IDS.id(0), 20 * MS);
        freshness.drawn(IDS.id(0), 21 * MS);
        freshness.committed(IDS.id(0), 30 * MS); // after it was done with: still a duplicate
        freshness.committed(IDS.id(1), 10 * MS);
        freshness.committed("soak-1-test-0", 10 * MS);
        freshness.committed("soak-2-1", 10 * MS);
        freshness.drawn("soak-1-test-0", 10 * MS);

        assertThat(freshness.producedCount()).isEqualTo(3);
        assertThat(freshness.committedCount()).isEqualTo(2);
        assertThat(freshness.drawnCount()).isEqualTo(1);
        assertThat(freshness.duplicateCommits()).isEqualTo(2);
        assertThat(freshness.inFlight()).as("1 committed, not drawn; 2 neither").isEqualTo(2);
    }

    @Test
    void shouldTimeAPromptDrawnBeforeItsCommitWasSeenAndThenLetItGo() {
        Freshness freshness = new Freshness(IDS);
        freshness.produced(7, 0);
        freshness.drawn(IDS.id(7), 40 * MS);
        freshness.committed(IDS.id(7), 50 * MS);

        Freshness.Window all = freshness.overall();
        assertThat(all.toDrawn().p50()).isCloseTo(0.040, within(0.00005));
        assertThat(all.toCommitted().p50()).isCloseTo(0.050, within(0.00005));
        assertThat(all.committedToDrawn().count()).isZero();
        assertThat(freshness.inFlight()).isZero();
    }

    @Test
    void shouldGiveNearestRankPercentilesWithinATenthOfAPercent() {
        Freshness freshness = new Freshness(IDS);
        Random random = new Random(3);
        int prompts = 20_001;
        double[] toDrawn = new double[prompts];
        for (int i = 0; i < prompts; i++) {
            long drawnAfter = (long) (MS * (100 + 400 * random.nextDouble() * random.nextDouble())) + random.nextInt(1000) * 1000L;
            freshness.produced(i, 0);
            freshness.committed(IDS.id(i), drawnAfter / 2);
            freshness.drawn(IDS.id(i), drawnAfter);
            toDrawn[i] = (drawnAfter / 1000) / 1e6;
        }
        Arrays.sort(toDrawn);
        double p50 = toDrawn[(int) Math.ceil(0.5 * prompts) - 1];
        double p99 = toDrawn[(int) Math.ceil(0.99 * prompts) - 1];

        Freshness.Percentiles all = freshness.overall().toDrawn();
        assertThat(all.count()).isEqualTo(prompts);
        assertThat(all.p50()).isBetween(p50, p50 * 1.001);
        assertThat(all.p99()).isBetween(p99, p99 * 1.001);
        assertThat(freshness.takeWindow().toDrawn().count()).isEqualTo(prompts);
        assertThat(freshness.takeWindow().toDrawn().count()).as("a new window starts empty").isZero();
        assertThat(freshness.inFlight()).isZero();
    }
}
