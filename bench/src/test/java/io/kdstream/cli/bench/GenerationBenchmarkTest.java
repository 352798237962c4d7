package io.kdstream.cli.bench;

import io.kdstream.cli.bench.distill.DistillData;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.producers.generate.Difficulty;
import io.kdstream.producers.generate.SdgOptions;
import io.kdstream.schemas.avro.Prompt;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GenerationBenchmarkTest {

    @Test
    void shouldTimeBothModesOnTheSamePromptsAndFindTheSameGenerations() {
        DistillData data = DistillData.generate(1, 3, 1, new SdgOptions(Difficulty.MEDIUM, 0));
        List<Prompt> prompts = new ArrayList<>(data.testMath());
        prompts.addAll(data.testCode());
        try (DecoderLanguageModel model = DecoderLanguageModel.create(new TransformerConfig(new CharTokenizer().vocabularySize(), 128, 16, 2, 1, 32), 1)) {
            GenerationBenchmark.Result result = new GenerationBenchmark(model, prompts, 4, 8).run(1, 3);

            assertThat(result.agreement()).isEqualTo(1.0);
            // an untrained model rarely ends a response: most of the 6 prompts take all 8 tokens
            assertThat(result.generatedTokens()).isBetween(8L, 48L);
            assertThat(result.cached().millis().samples()).isEqualTo(3);
            assertThat(result.cached().millis().median()).isPositive();
            assertThat(result.cached().ratioToRecompute().samples()).isEqualTo(3);
            assertThat(result.cached().ratioToRecompute().median()).isPositive();
        }
    }
}
