package io.kdstream.model.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kdstream.model.testing.TinyModels;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    private final CharTokenizer tokenizer = new CharTokenizer();

    @Test
    void shouldGenerateTheSameBatchedAsOneByOne() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            setEosBias(model, -100f); // run to the limits, so every row really generates
            Generator generator = new Generator(model);
            int[][] prompts = {
                tokenizer.encodePrompt("12+7"), tokenizer.encodePrompt("3"), tokenizer.encodePrompt("abcdefgh")
            };
            List<Generation> batched = generator.generate(prompts, 6);
            for (int i = 0; i < prompts.length; i++) {
                assertThat(batched.get(i)).isEqualTo(generator.generate(new int[][] {prompts[i]}, 6).get(0));
                assertThat(batched.get(i).tokens()).hasSize(6);
                assertThat(batched.get(i).stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
            }
        }
    }

    @Test
    void shouldGenerateTheSameWithTheKeyValueCacheAsByRecomputingEveryStep() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            setEosBias(model, -100f);
            int[][] prompts = {
                tokenizer.encodePrompt("12+7"), tokenizer.encodePrompt("3"), tokenizer.encodePrompt("abcdefgh"), tokenizer.encodePrompt("x".repeat(17))
            };
            Generator recomputing = new Generator(model, CharTokenizer.EOS, CharTokenizer.PAD, false);

            List<Generation> cached = new Generator(model).generate(prompts, 8);

            // rows of other lengths, one of them stopped by the context limit after 5 tokens while the others go on
            assertThat(cached).isEqualTo(recomputing.generate(prompts, 8));
            assertThat(cached).extracting(g -> g.tokens().length).containsExactly(8, 8, 8, 5);
            Sampling hot = new Sampling(1.5, 0, 11);
            assertThat(new Generator(model).generate(prompts, 8, hot)).isEqualTo(recomputing.generate(prompts, 8, hot));
        }
    }

    @Test
    void shouldStopAtEosWithoutReturningIt() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            setEosBias(model, 100f);
            List<Generation> out = new Generator(model).generate(new int[][] {tokenizer.encodePrompt("1+1")}, 10);
            assertThat(out.get(0).tokens()).isEmpty();
            assertThat(out.get(0).stopReason()).isEqualTo(StopReason.EOS);
        }
    }

    @Test
    void shouldStopAtTheContextLimit() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            setEosBias(model, -100f);
            int[] nearlyFull = tokenizer.encodePrompt("x".repeat(19)); // 21 of 24 tokens
            int[] full = tokenizer.encodePrompt("y".repeat(22));
            List<Generation> out = new Generator(model).generate(new int[][] {nearlyFull, full, {1}}, 10);
            assertThat(out.get(0).tokens()).hasSize(3);
            assertThat(out.get(0).stopReason()).isEqualTo(StopReason.CONTEXT_LIMIT);
            assertThat(out.get(1).tokens()).isEmpty();
            assertThat(out.get(1).stopReason()).isEqualTo(StopReason.CONTEXT_LIMIT);
            assertThat(out.get(2).tokens()).hasSize(10);
            assertThat(out.get(2).stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
        }
    }

    @Test
    void shouldRejectEmptyTooLongOrUnknownPrompts() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            Generator generator = new Generator(model);
            assertThatThrownBy(() -> generator.generate(new int[][] {{}}, 3)).hasMessageContaining("prompt 0 is empty");
            assertThatThrownBy(() -> generator.generate(new int[][] {{1}, new int[25]}, 3))
                    .hasMessageContaining("prompt 1 has 25 tokens");
            assertThatThrownBy(() -> generator.generate(new int[][] {{1, 100}}, 3))
                    .hasMessageContaining("token id 100 at position 1");
            assertThat(generator.generate(new int[][] {{1}}, 0).get(0).tokens()).isEmpty();
        }
    }

    @Test
    void shouldSampleReproduciblyFromTheSeed() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            setEosBias(model, -100f);
            Generator generator = new Generator(model);
            int[][] prompts = {tokenizer.encodePrompt("12+7"), tokenizer.encodePrompt("3")};
            Sampling hot = new Sampling(1.5, 0, 11);
            List<Generation> first = generator.generate(prompts, 8, hot);
            assertThat(generator.generate(prompts, 8, hot)).isEqualTo(first);
            assertThat(generator.generate(prompts, 8, new Sampling(1.5, 0, 12))).isNotEqualTo(first);
            assertThat(first).allSatisfy(g -> assertThat(g.tokens()).hasSize(8));
            // an untrained model is nearly uniform: sampled text differs from greedy text
            assertThat(first).isNotEqualTo(generator.generate(prompts, 8));
        }
    }

    @Test
    void shouldSampleGreedilyWithTopKOne() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            setEosBias(model, -100f);
            Generator generator = new Generator(model);
            int[][] prompts = {tokenizer.encodePrompt("12+7"), tokenizer.encodePrompt("abcdefgh")};
            assertThat(generator.generate(prompts, 6, new Sampling(2.0, 1, 3))).isEqualTo(generator.generate(prompts, 6));
        }
    }

    @Test
    void shouldStopEachSampledRowAtItsOwnEos() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 5)) {
            setEosBias(model, 100f);
            List<Generation> out = new Generator(model).generate(
                    new int[][] {tokenizer.encodePrompt("1+1"), tokenizer.encodePrompt("22")}, 10, new Sampling(1, 0, 1));
            assertThat(out).allSatisfy(g -> {
                assertThat(g.tokens()).isEmpty();
                assertThat(g.stopReason()).isEqualTo(StopReason.EOS);
            });
        }
    }

    /** Pushes the output bias of EOS up or down so the test controls when generation stops. */
    private static void setEosBias(DecoderLanguageModel model, float bias) {
        for (Pair<String, Parameter> parameter : model.block().getParameters()) {
            if (parameter.getKey().endsWith("head_bias")) {
                parameter.getValue().getArray().set(new NDIndex(CharTokenizer.EOS), bias);
                return;
            }
        }
        throw new AssertionError("no head bias in " + model.block().getParameters().keys());
    }
}
