package io.kdstream.trainer.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.trainer.training.TrainingExample;
import org.junit.jupiter.api.Test;

class LogitCacheTest {

    private static SequenceLogits sequence(String promptId, float[] logSumExp) {
        return new SequenceLogits(promptId, "teacher", "tokenizer", new int[] {1, 7, 8}, new float[] {1, 1}, 2,
                new int[] {7, 9, 8, 7}, new float[] {3, 1, 2, 0}, logSumExp);
    }

    @Test
    void shouldKeepTheTeachersLogSumExpForTheTailLoss() {
        LogitCache cache = new LogitCache(1);
        cache.put(sequence("p1", new float[] {3.5f, 2.5f}));
        TrainingExample example = cache.sample(1).get(0);
        assertThat(example.teacherLogSumExp()).containsExactly(3.5f, 2.5f);
        assertThat(example.teacherIds()).containsExactly(7, 9, 8, 7);
        assertThat(example.teacherK()).isEqualTo(2);
    }

    @Test
    void shouldAcceptARecordWithoutLogSumExpAndReplaceOlderRecordsOfAPrompt() {
        LogitCache cache = new LogitCache(1);
        cache.put(sequence("p1", new float[] {3.5f, 2.5f}));
        cache.put(sequence("p1", null));
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.sample(1).get(0).teacherLogSumExp()).isNull();
    }
}
