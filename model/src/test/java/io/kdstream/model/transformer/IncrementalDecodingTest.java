package io.kdstream.model.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.testing.TinyModels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IncrementalDecodingTest {

    @Test
    void shouldGiveTheFullForwardPassesLogitsAtEachRowsLastPosition() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 3)) {
            int vocabulary = model.config().vocabularySize();
            SplittableRandom random = new SplittableRandom(7);
            int[][] sequences = {random.ints(5, 0, vocabulary).toArray(), random.ints(1, 0, vocabulary).toArray(), random.ints(9, 0, vocabulary).toArray()};
            try (IncrementalDecoding decoding = model.startDecoding(sequences)) {
                for (int step = 0; step < 6; step++) {
                    for (int row = 0; row < sequences.length; row++) {
                        float[] expected = lastLogits(model, sequences[row]);
                        float[] actual = Arrays.copyOfRange(decoding.nextLogits(), row * vocabulary, (row + 1) * vocabulary);
                        for (int token = 0; token < vocabulary; token++) {
                            assertThat(actual[token]).as("step %d row %d token %d", step, row, token).isCloseTo(expected[token], within(1e-4f));
                        }
                    }
                    int[] next = random.ints(sequences.length, 0, vocabulary).toArray();
                    for (int row = 0; row < sequences.length; row++) {
                        sequences[row] = Arrays.copyOf(sequences[row], sequences[row].length + 1);
                        sequences[row][sequences[row].length - 1] = next[row];
                    }
                    decoding.append(next);
                }
            }
        }
    }

    @Test
    void shouldRefuseAnEmptyOrTooLongPromptAndAStepOfTheWrongWidth() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 3)) {
            assertThatThrownBy(() -> model.startDecoding(new int[][] {{1}, {}})).hasMessageContaining("prompt 1 has 0 tokens");
            assertThatThrownBy(() -> model.startDecoding(new int[][] {new int[25]})).hasMessageContaining("prompt 0 has 25 tokens");
            try (IncrementalDecoding decoding = model.startDecoding(new int[][] {{1}, {2, 3}})) {
                assertThatThrownBy(() -> decoding.append(new int[] {4})).hasMessageContaining("2 rows, got 1");
            }
        }
    }

    /** The full forward pass over one unpadded sequence, at its last position. */
    private static float[] lastLogits(DecoderLanguageModel model, int[] sequence) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.logits(scope, scope.create(sequence, new Shape(1, sequence.length)), false);
            float[] all = logits.toFloatArray();
            int vocabulary = model.config().vocabularySize();
            return Arrays.copyOfRange(all, (sequence.length - 1) * vocabulary, sequence.length * vocabulary);
        }
    }
}
