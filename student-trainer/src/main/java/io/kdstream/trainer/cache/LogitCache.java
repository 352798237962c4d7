package io.kdstream.trainer.cache;

import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.trainer.training.TrainingExample;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The trainer's view of the logit cache: one training example per prompt (a newer record for the same prompt
 * replaces the older, as compaction would), sampled into batches with a seeded random source.
 */
public final class LogitCache {

    private final List<TrainingExample> examples = new ArrayList<>();
    private final Map<String, Integer> indexByPrompt = new HashMap<>();
    private final SplittableRandom random;

    public LogitCache(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public void put(SequenceLogits logits) {
        // passed on as it is: only the tail loss needs the log-sum-exp, and it refuses an example without one
        TrainingExample example = new TrainingExample(logits.tokens(), logits.lossMask(), logits.ids(), logits.values(),
                logits.logSumExp(), logits.k());
        Integer index = indexByPrompt.get(logits.promptId());
        if (index == null) {
            indexByPrompt.put(logits.promptId(), examples.size());
            examples.add(example);
        } else {
            examples.set(index, example);
        }
    }

    public int size() {
        return examples.size();
    }

    /** A batch drawn uniformly with replacement across batches, without replacement within one. */
    public List<TrainingExample> sample(int batchSize) {
        int size = Math.min(batchSize, examples.size());
        List<TrainingExample> batch = new ArrayList<>(size);
        Set<Integer> taken = new HashSet<>();
        while (batch.size() < size) {
            int index = random.nextInt(examples.size());
            if (taken.add(index)) {
                batch.add(examples.get(index));
            }
        }
        return batch;
    }
}
