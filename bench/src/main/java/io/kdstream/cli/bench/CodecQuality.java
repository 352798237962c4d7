package io.kdstream.cli.bench;

import io.kdstream.schemas.logits.EncodedTopK;
import io.kdstream.schemas.logits.TopKDecoder;
import io.kdstream.schemas.logits.TopKDivergence;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;

import java.util.Arrays;

/**
 * What an encoding costs and loses on the benchmark's teacher output: top-K bytes (ids, values, log-sum-exps) an
 * entry, and KL(exact || decoded) over the positions, renormalised and with the tail.
 */
record CodecQuality(double bytesPerEntry, double maxRenormalisedKl, double maxTailKl, double meanTailKl, boolean bitExact) {

    static CodecQuality measure(TopKSequence topK, TopKEncoding encoding) {
        int k = topK.k();
        int positions = topK.positions();
        EncodedTopK encoded = encoding.encode(topK, 0, positions);
        float[] values = new float[positions * k];
        float[] logSumExp = new float[positions];
        TopKDecoder.decodeInto(TopKCodecBenchmark.record(encoded, k, positions), new int[positions * k], values, logSumExp, 0);
        double maxRenormalised = 0;
        double maxTail = 0;
        double sumTail = 0;
        for (int p = 0; p < positions; p++) {
            maxRenormalised = Math.max(maxRenormalised, TopKDivergence.renormalised(topK.values(), values, p * k, k));
            double tail = TopKDivergence.withTail(topK.values(), topK.logSumExp()[p], values, logSumExp[p], p * k, k);
            maxTail = Math.max(maxTail, tail);
            sumTail += tail;
        }
        boolean bitExact = Arrays.equals(values, topK.values()) && Arrays.equals(logSumExp, topK.logSumExp());
        return new CodecQuality((double) encoded.bytes() / (positions * k), maxRenormalised, maxTail, sumTail / positions, bitExact);
    }
}
