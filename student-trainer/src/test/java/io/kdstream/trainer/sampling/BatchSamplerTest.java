package io.kdstream.trainer.sampling;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchSamplerTest {

    /** Entries as the cache numbers them: lengths in arrival order, some superseded. */
    private static final class Entries implements CachedEntries {
        private final List<Integer> lengths = new ArrayList<>();
        private final BitSet dead = new BitSet();

        Entries add(int count, int length) {
            for (int i = 0; i < count; i++) {
                lengths.add(length);
            }
            return this;
        }

        @Override
        public int size() {
            return lengths.size();
        }

        @Override
        public boolean isLive(int entry) {
            return !dead.get(entry);
        }

        @Override
        public int liveCount() {
            return size() - dead.cardinality();
        }

        @Override
        public int tokens(int entry) {
            return lengths.get(entry);
        }
    }

    private static SamplingConfig config(int buffer, double freshShare, int epochs, int sequences, int tokens) {
        return new SamplingConfig(buffer, freshShare, epochs, sequences, tokens);
    }

    private static List<List<Integer>> batches(BatchSampler sampler, int count) {
        List<List<Integer>> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batches.add(sampler.nextBatch());
        }
        return batches;
    }

    @Test
    void shouldDrawEveryLiveEntryOnceAnEpochAndStopAfterTheLastEpoch() {
        Entries entries = new Entries().add(50, 10);
        entries.dead.set(7);
        entries.dead.set(31);
        BatchSampler sampler = BatchSampler.start(entries, config(8, 0, 2, 4, 0), 42);
        Map<Integer, Integer> draws = new HashMap<>();
        List<Integer> batch;
        int batches = 0;
        while (!(batch = sampler.nextBatch()).isEmpty()) {
            batch.forEach(entry -> draws.merge(entry, 1, Integer::sum));
            batches++;
        }
        assertThat(sampler.finished()).isTrue();
        assertThat(sampler.epoch()).isEqualTo(2);
        assertThat(draws).hasSize(48).doesNotContainKeys(7, 31);
        assertThat(draws.values()).containsOnly(2);
        assertThat(batches).isEqualTo(24);
    }

    @Test
    void shouldShuffleWithinTheBufferAndDependOnTheSeed() {
        Entries entries = new Entries().add(100, 10);
        List<Integer> first = BatchSampler.start(entries, config(16, 0, 0, 100, 0), 1).nextBatch();
        List<Integer> same = BatchSampler.start(entries, config(16, 0, 0, 100, 0), 1).nextBatch();
        List<Integer> otherSeed = BatchSampler.start(entries, config(16, 0, 0, 100, 0), 2).nextBatch();
        assertThat(first).isEqualTo(same).isNotEqualTo(otherSeed).containsExactlyInAnyOrderElementsOf(otherSeed);
        assertThat(first).isNotEqualTo(first.stream().sorted().toList());
        for (int i = 0; i < first.size(); i++) {
            // the i-th draw comes from the window the buffer held: entries read so far, at most i + 16
            assertThat(first.get(i)).isLessThan(i + 16);
        }
    }

    @Test
    void shouldContinueExactlyFromASavedState() throws Exception {
        Entries entries = new Entries().add(40, 10);
        SamplingConfig config = config(8, 0.5, 0, 3, 0);
        BatchSampler uninterrupted = BatchSampler.start(entries, config, 7);
        BatchSampler interrupted = BatchSampler.start(entries, config, 7);
        batches(uninterrupted, 5);
        batches(interrupted, 5);
        entries.add(6, 10); // new arrivals, drawn by the fresh share

        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        interrupted.state().write(new DataOutputStream(saved));
        SamplerState restored = SamplerState.read(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
        BatchSampler resumed = BatchSampler.resume(entries, config, restored);

        assertThat(batches(resumed, 30)).isEqualTo(batches(uninterrupted, 30));
    }

    @Test
    void shouldGiveFreshArrivalsTheirShareAtOnce() {
        Entries entries = new Entries().add(1000, 10);
        BatchSampler sampler = BatchSampler.start(entries, config(64, 0.25, 0, 8, 0), 3);
        batches(sampler, 10);
        entries.add(40, 10); // entries 1000..1039 arrive
        List<Integer> next = new ArrayList<>();
        batches(sampler, 20).forEach(next::addAll);
        List<Integer> fresh = next.stream().filter(entry -> entry >= 1000).toList();
        // 160 draws at a share of 1/4: about 40, oldest first; the cursor of the pass is far from them
        assertThat(fresh).hasSizeBetween(25, 40);
        assertThat(fresh).isSorted();
        assertThat(fresh.get(0)).isEqualTo(1000);
    }

    @Test
    void shouldFillBatchesUpToTheTokenBudgetCarryingTheEntryThatDoesNotFit() {
        Entries entries = new Entries().add(10, 30).add(10, 70);
        BatchSampler sampler = BatchSampler.start(entries, config(32, 0, 1, 1, 100), 5);
        int drawn = 0;
        List<Integer> batch;
        while (!(batch = sampler.nextBatch()).isEmpty()) {
            int tokens = batch.stream().mapToInt(entries::tokens).sum();
            assertThat(tokens).isLessThanOrEqualTo(100);
            drawn += batch.size();
        }
        assertThat(drawn).isEqualTo(20); // the carried entries were not lost
    }

    @Test
    void shouldSkipEntriesSupersededWhileTheyWaitInTheBuffer() {
        Entries entries = new Entries().add(20, 10);
        BatchSampler sampler = BatchSampler.start(entries, config(20, 0, 1, 1, 0), 9);
        sampler.nextBatch(); // fills the buffer with all 20
        for (int entry = 0; entry < 20; entry += 2) {
            entries.dead.set(entry);
        }
        List<Integer> rest = new ArrayList<>();
        batches(sampler, 30).forEach(rest::addAll);
        assertThat(rest).allMatch(entry -> entry % 2 == 1).hasSizeBetween(9, 10);
    }

    @Test
    void shouldRefuseAStateThatRefersToEntriesTheCacheDoesNotHold() {
        Entries entries = new Entries().add(5, 10);
        SamplerState state = new SamplerState(1, 0, 5, 5, new int[] {3, 9}, -1);
        assertThatThrownBy(() -> BatchSampler.resume(entries, config(4, 0, 0, 2, 0), state))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 9").hasMessageContaining("5 entries");
    }
}
