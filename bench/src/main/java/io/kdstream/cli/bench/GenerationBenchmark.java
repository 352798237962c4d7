package io.kdstream.cli.bench;

import io.kdstream.model.generation.Generation;
import io.kdstream.model.generation.Generator;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.schemas.avro.Prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy generation of the same batches with the key/value cache and by recomputing every step, interleaved round by
 * round so both see the same machine; what the evaluator spends most of its time on.
 */
final class GenerationBenchmark {

    /** The cached generator's times a round and its ratio to the recomputing generator's of the same round. */
    record ModeResult(Distribution millis, Distribution ratioToRecompute) {
    }

    /**
     * @param generatedTokens tokens generated a round (the same in both modes where they agree)
     * @param agreement       share of rows whose generation is the same token for token in both modes
     */
    record Result(ModeResult cached, Distribution recomputedMillis, long generatedTokens, double agreement) {
    }

    private final DecoderLanguageModel model;
    private final List<Prompt> prompts;
    private final int batchSize;
    private final int maxNewTokens;
    private final CharTokenizer tokenizer = new CharTokenizer();

    GenerationBenchmark(DecoderLanguageModel model, List<Prompt> prompts, int batchSize, int maxNewTokens) {
        this.model = model;
        this.prompts = List.copyOf(prompts);
        this.batchSize = batchSize;
        this.maxNewTokens = maxNewTokens;
    }

    Result run(int warmup, int rounds) {
        Generator cached = new Generator(model, tokenizer.endOfSequence(), tokenizer.padding(), true);
        Generator recomputing = new Generator(model, tokenizer.endOfSequence(), tokenizer.padding(), false);
        List<Generation> cachedOut = generateAll(cached);
        List<Generation> recomputedOut = generateAll(recomputing);
        int same = 0;
        long tokens = 0;
        for (int i = 0; i < cachedOut.size(); i++) {
            same += cachedOut.get(i).equals(recomputedOut.get(i)) ? 1 : 0;
            tokens += cachedOut.get(i).tokens().length;
        }
        for (int i = 0; i < warmup; i++) {
            generateAll(cached);
            generateAll(recomputing);
        }
        double[] cachedMillis = new double[rounds];
        double[] recomputedMillis = new double[rounds];
        double[] ratios = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            // alternate which goes first, so neither always runs on a warmer cache
            boolean cachedFirst = round % 2 == 0;
            double first = time(cachedFirst ? cached : recomputing);
            double second = time(cachedFirst ? recomputing : cached);
            cachedMillis[round] = cachedFirst ? first : second;
            recomputedMillis[round] = cachedFirst ? second : first;
            ratios[round] = cachedMillis[round] / recomputedMillis[round];
        }
        return new Result(new ModeResult(Distribution.of(cachedMillis), Distribution.of(ratios)),
                Distribution.of(recomputedMillis), tokens, (double) same / cachedOut.size());
    }

    private double time(Generator generator) {
        long started = System.nanoTime();
        generateAll(generator);
        return (System.nanoTime() - started) / 1e6;
    }

    private List<Generation> generateAll(Generator generator) {
        List<Generation> out = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += batchSize) {
            int[][] batch = prompts.subList(from, Math.min(prompts.size(), from + batchSize)).stream()
                    .map(p -> tokenizer.encodePrompt(p.getPrompt())).toArray(int[][]::new);
            out.addAll(generator.generate(batch, maxNewTokens));
        }
        return out;
    }
}
