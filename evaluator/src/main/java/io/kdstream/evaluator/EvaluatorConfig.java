package io.kdstream.evaluator;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import io.kdstream.schemas.avro.Split;

import java.util.Arrays;
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

    private static final String DATASET = "kdstream.evaluator.dataset";
    private static final String SPLIT = "kdstream.evaluator.split";
    private static final String MAX_EXAMPLES = "kdstream.evaluator.max.examples";
    private static final String MAX_NEW_TOKENS = "kdstream.evaluator.max.new.tokens";
    private static final String BATCH_SIZE = "kdstream.evaluator.batch.size";
    private static final String GROUP_ID = "kdstream.evaluator.group.id";
    private static final String CODE_STEP_LIMIT = "kdstream.evaluator.code.step.limit";
    private static final String TOKENIZER = "kdstream.evaluator.tokenizer";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(DATASET, Type.STRING, "math", Importance.HIGH, "which dataset's held-out prompts to score (math, code, ...)")
            .define(SPLIT, Type.STRING, "test", Validators.oneOf(EvaluatorConfig::split,
                            Arrays.stream(Split.values()).map(split -> split.name().toLowerCase(Locale.ROOT)).toList()),
                    Importance.MEDIUM, "which split (never train in a real evaluation)")
            .define(MAX_EXAMPLES, Type.INT, 200, Validators.atLeast(1), Importance.HIGH,
                    "at most this many prompts a checkpoint, the first ones in prompt-id order")
            .define(MAX_NEW_TOKENS, Type.INT, 128, Validators.atLeast(1), Importance.MEDIUM, "generation limit for an answer;"
                    + " a model's context ends a generation first where it is shorter (96 tokens on the default models; the"
                    + " hard synthetic code tasks' programs take up to 67 with the end of sequence)")
            .define(BATCH_SIZE, Type.INT, 64, Validators.atLeast(1), Importance.LOW, "prompts generated together")
            .define(GROUP_ID, Type.STRING, "kdstream-evaluator", Importance.LOW, "the evaluator's consumer group on kd.checkpoints")
            .define(CODE_STEP_LIMIT, Type.LONG, 10_000L, Validators.atLeast(1), Importance.LOW,
                    "steps a generated program may run on one test case before it counts as failing")
            .define(TOKENIZER, Type.STRING, Tokenizers.CHAR, Importance.HIGH, "char or the path of a Hugging Face"
                    + " tokenizer.json: the students' checkpoints must have been trained with it");

    public static EvaluatorConfig from(Settings settings) {
        ConfigValues values = ConfigValues.read(DEFINITION, settings);
        return new EvaluatorConfig(settings,
                values.string(DATASET),
                split(values.string(SPLIT)),
                values.integer(MAX_EXAMPLES),
                values.integer(MAX_NEW_TOKENS),
                values.integer(BATCH_SIZE),
                values.string(GROUP_ID),
                values.longValue(CODE_STEP_LIMIT),
                values.string(TOKENIZER));
    }

    private static Split split(String name) {
        return Split.valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
