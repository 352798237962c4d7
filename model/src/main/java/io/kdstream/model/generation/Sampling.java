package io.kdstream.model.generation;

/**
 * How {@link Generator} samples the next token: from {@code softmax(logits / temperature)} over the {@code topK}
 * most likely tokens. Each prompt draws from its own random stream, split in prompt order from {@code seed}, so the
 * same prompts in the same order with the same seed give the same generations, whichever rows stop early.
 *
 * @param temperature above 0; below 1 sharpens the distribution, above 1 flattens it
 * @param topK how many of the most likely tokens may be drawn; 0 for the whole vocabulary, 1 is greedy
 * @param seed seeds the random streams
 */
public record Sampling(double temperature, int topK, long seed) {

    public Sampling {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("sampling temperature must be finite and > 0 (greedy generation needs"
                    + " no temperature), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("sampling top-k must be >= 0 (0 = the whole vocabulary), got " + topK);
        }
    }
}
