package io.kdstream.evaluator;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.avro.Split;

import java.util.Locale;

/**
 * The evaluator's settings ({@code kdstream.evaluator.*}); Kafka client properties pass through.
 *
 * @param dataset       which dataset's held-out prompts to score
 * @param split         which split (TEST by default; never TRAIN in a real evaluation)
 * @param maxExamples   at most this many prompts a checkpoint, the first ones in prompt-id order
 * @param maxNewTokens  generation limit for an answer
 * @param batchSize     prompts generated together
 * @param groupId       the evaluator's consumer group on kd.checkpoints
 * @param codeStepLimit steps a generated program may run on one test case before it counts as failing
 * @param tokenizer     {@code char} (the default) or the path of a Hugging Face {@code tokenizer.json}: the students'
 *                      checkpoints must have been trained with it
 */
public record EvaluatorConfig(Settings settings, String dataset, Split split, int maxExamples, int maxNewTokens,
                              int batchSize, String groupId, long codeStepLimit, String tokenizer) {

    public static EvaluatorConfig from(Settings settings) {
        return new EvaluatorConfig(settings,
                settings.string("kdstream.evaluator.dataset", "math"),
                Split.valueOf(settings.string("kdstream.evaluator.split", "test").toUpperCase(Locale.ROOT)),
                settings.integer("kdstream.evaluator.max.examples", 200),
                settings.integer("kdstream.evaluator.max.new.tokens", 64),
                settings.integer("kdstream.evaluator.batch.size", 64),
                settings.string("kdstream.evaluator.group.id", "kdstream-evaluator"),
                settings.longValue("kdstream.evaluator.code.step.limit", 10_000),
                settings.string("kdstream.evaluator.tokenizer", Tokenizers.CHAR));
    }
}
