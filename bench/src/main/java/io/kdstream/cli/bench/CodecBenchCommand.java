package io.kdstream.cli.bench;

import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.schemas.logits.BitPackedIds;
import io.kdstream.schemas.logits.EncodedTopK;
import io.kdstream.schemas.logits.TopKDecoder;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code kdstream bench codec}: the top-K encodings' speed, size and accuracy, beside a memory copy of the same bytes. */
@Command(name = "codec", mixinStandardHelpOptions = true,
        description = {"Encode and decode a sequence's top-K (K = 8, 64, 100; V = 100, 128k and 151,936, Gaussian and "
                + "Zipf-shaped teachers) with JMH, beside a plain copy of the same encoded bytes in the same run; report "
                + "entries/s, bytes an entry raw and on the topic (lz4, zstd) and the KL of the decoded distribution; "
                + "and RS-KD's sampled records beside top-K's in bytes a position; write the results to BENCHMARKS.md.",
                "About 10 minutes; --quick: about 2 minutes, K = 64 at V = 100 and the Zipf teacher at 151,936, short iterations."})
public final class CodecBenchCommand implements Callable<Integer> {

    static final String HEADING = "Top-K codec: encode and decode against a memory copy (`kdstream bench codec`)";
    private static final String[] OPERATIONS = {"encode", "decode", "copy"};
    private static final String[] TEACHERS = {"gaussian-100", "gaussian-128000", "gaussian-151936", "zipf-151936"};
    private static final String[] QUICK_TEACHERS = {"gaussian-100", "zipf-151936"};
    /** Sequences whose records are compressed for the on-topic columns. */
    private static final int TOPIC_SEQUENCES = 4;

    @Option(names = "--quick", description = "K = 64 at V = 100 and the Zipf teacher at 151,936 only, one short warm-up and measurement iteration")
    boolean quick;

    @Option(names = "--report", defaultValue = "BENCHMARKS.md", description = "file whose section this benchmark replaces (default: ${DEFAULT-VALUE})")
    Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, RunnerException {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Collection<RunResult> results = new Runner(options().build()).run();
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String body = describe(results, loadBefore, loadAfter);
        System.out.println(body);
        BenchmarksFile.writeSection(report, HEADING, body);
        System.out.println("written to " + report.toAbsolutePath());
        return 0;
    }

    private ChainedOptionsBuilder options() {
        TimeValue iteration = TimeValue.milliseconds(quick ? 300 : 500);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(TopKCodecBenchmark.class.getName() + "\\.")
                .forks(1)
                // the launcher's C1-only flags would otherwise pass to the forked JVM
                .jvmArgs("-Xmx1g", "-XX:+UseSerialGC")
                .warmupIterations(quick ? 1 : 2).warmupTime(iteration)
                .measurementIterations(quick ? 1 : 3).measurementTime(iteration)
                .shouldFailOnError(true);
        return quick ? options.param("teacher", QUICK_TEACHERS).param("k", "64") : options;
    }

    private String describe(Collection<RunResult> results, double loadBefore, double loadAfter) {
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(BenchmarkContext.commandLine(spec)).append("`, ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
        out.append(String.format(Locale.ROOT, "Machine: %s (%s), load average %.2f before and %.2f "
                        + "after the run; the benchmark JVM runs with -Xmx1g -XX:+UseSerialGC, one fork, %s.%n%n",
                BenchmarkContext.machine(), System.getProperty("java.vm.name"), loadBefore, loadAfter, quick ? "1 x 300 ms warm-up and 1 x 300 ms measurement (--quick: indicative only)"
                        : "2 x 500 ms warm-up and 3 x 500 ms measurement iterations"));
        out.append(String.format(Locale.ROOT, "Data: %d positions of teacher output per sequence, top K kept in "
                + "descending order with the full-vocabulary log-sum-exp, from one of two synthetic teachers (SyntheticTeacher): "
                + "*gaussian-V*, a Gaussian logit (scale 2) for every token with one token lifted by up to 8 nats, so that "
                + "ids are uniform and hardly repeat within a record (the worst case for FREQUENCY_CLASSES ids); "
                + "*zipf-V*, shaped as a language model's output: a Zipf prior -ln(1 + id) over the ids (byte-pair "
                + "vocabularies number tokens roughly by frequency), Gaussian noise of scale 1.5 and 8 context tokens at "
                + "uniform ids lifted by 20 sqrt(U) nats (entropy about 0.85 nats a position, top probability's median "
                + "about 0.76). *encode*: arrays to the record's byte fields; *decode*: those fields back to arrays "
                + "(TopKDecoder, what every reader runs); *copy*: System.arraycopy of the same encoded bytes. Rates in "
                + "top-K entries a second (x 1e6) on one thread; +- is JMH's 99.9%% interval. *bytes/entry* counts the "
                + "top-K fields (ids, values, log-sum-exps; PACKED and COMPACT keep none); *lz4*, *zstd*: the whole "
                + "record as the topic stores it (wire header, Avro record with its tokens and loss mask) compressed "
                + "alone by Kafka's codec at its default level (a record this size is a producer batch of its own), "
                + "over %d sequences, in bytes a top-K entry. *distinct ids*: distinct ids in a record over its entries. "
                + "KL(exact || decoded) in nats, per position, renormalised over the K entries and with the mass outside "
                + "them.%n%n", TopKCodecBenchmark.POSITIONS, TOPIC_SEQUENCES));
        out.append("| teacher | K | encoding | bytes/entry | lz4 | zstd | distinct ids | max KL renorm. | max KL tail "
                + "| encode Mentries/s | decode Mentries/s | copy Mentries/s | copy / decode |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String teacher : TEACHERS) {
            for (String k : new String[]{"8", "64", "100"}) {
                if (results.stream().noneMatch(r -> r.getParams().getParam("teacher").equals(teacher) && r.getParams().getParam("k").equals(k))) {
                    continue;
                }
                List<TopKSequence> sequences = new ArrayList<>();
                for (int s = 0; s < TOPIC_SEQUENCES; s++) {
                    sequences.add(SyntheticTeacher.named(teacher, Integer.parseInt(k), TopKCodecBenchmark.POSITIONS, TopKCodecBenchmark.SEED + s));
                }
                double distinct = distinctIdShare(sequences.get(0));
                for (TopKEncoding encoding : TopKEncoding.values()) {
                    out.append(row(results, teacher, k, encoding, CodecQuality.measure(sequences.get(0), encoding), distinct,
                            TopicCompression.bytesPerEntry(sequences, encoding, "lz4"), TopicCompression.bytesPerEntry(sequences, encoding, "zstd")));
                }
            }
        }
        out.append(String.format(Locale.ROOT, "%nPACKED bytes an entry are (ceil(log2 V) + 8) / 8: %.3f for V = 100, "
                        + "%.3f for 32k, %.3f for 128k, %.3f for 151,936. COMPACT decodes to PACKED's values bit for bit (the "
                        + "same KL: at most (1/16)^2/8 = 4.9e-4 nats renormalised, Hoeffding, plus about 2e-5 for the tail "
                        + "mass); what it saves depends on how often a record's ids recur, which the *distinct ids* "
                        + "column shows.%n",
                (BitPackedIds.bitsFor(100) + 8) / 8.0, (BitPackedIds.bitsFor(32_000) + 8) / 8.0, (BitPackedIds.bitsFor(128_000) + 8) / 8.0,
                (BitPackedIds.bitsFor(151_936) + 8) / 8.0));
        out.append(sampledRows());
        return out.toString();
    }

    /** RS-KD's records beside top-K's at the same teacher, in bytes a position. */
    private static String sampledRows() {
        String teacher = "zipf-151936";
        int positions = TopKCodecBenchmark.POSITIONS;
        long seed = TopKCodecBenchmark.SEED;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nRS-KD (`SAMPLED_COUNTS`) against top-K (`COMPACT`) on the same teacher (%s, one "
                + "record of %d positions, seed %d), in bytes a position: *top-K fields* counts ids and values, *lz4* and "
                + "*zstd* the whole record on the topic as above. RS-KD's record has as many slots a position as the most "
                + "distinct tokens a position drew; the mean is *distinct a position*. Proposal temperature 1 stores counts only; another also stores "
                + "a float32 log p/q a drawn token.%n%n", teacher, positions, seed));
        out.append("| format | N or K | proposal temperature | distinct a position | top-K fields bytes/position | lz4 | zstd |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (int draws : new int[]{SampledTokens.DEFAULT_DRAWS, 32, 64}) {
            for (double temperature : new double[]{1, 2}) {
                SyntheticTeacher.SampledRecord sampled = SyntheticTeacher.sampled(teacher, draws, temperature, positions, seed);
                EncodedTopK encoded = sampled.encoded();
                int slots = sampled.slots();
                float[] values = new float[positions * slots];
                TopKDecoder.decodeInto(TopKCodecBenchmark.record(encoded, slots, positions), new int[positions * slots], values,
                        new float[positions], 0);
                double distinct = IntStream.range(0, values.length).filter(i -> values[i] > Float.NEGATIVE_INFINITY).count() / (double) positions;
                out.append(String.format(Locale.ROOT, "| RS-KD sampled | N = %d | %s | %.1f | %.1f | %.1f | %.1f |%n", draws,
                        temperature == 1 ? "1" : "2", distinct, (double) encoded.bytes() / positions,
                        (double) TopicCompression.compressedRecord(encoded, slots, positions, "lz4") / positions,
                        (double) TopicCompression.compressedRecord(encoded, slots, positions, "zstd") / positions));
            }
        }
        for (int k : new int[]{16, 64}) {
            TopKSequence topK = SyntheticTeacher.named(teacher, k, positions, seed);
            EncodedTopK encoded = TopKEncoding.COMPACT.encode(topK, 0, positions);
            out.append(String.format(Locale.ROOT, "| top-K compact | K = %d | | %d | %.1f | %.1f | %.1f |%n", k, k,
                    (double) encoded.bytes() / positions,
                    (double) TopicCompression.compressedRecord(encoded, k, positions, "lz4") / positions,
                    (double) TopicCompression.compressedRecord(encoded, k, positions, "zstd") / positions));
        }
        return out.toString();
    }

    private static double distinctIdShare(TopKSequence topK) {
        return (double) Arrays.stream(topK.ids()).distinct().count() / topK.ids().length;
    }

    private static String row(Collection<RunResult> results, String teacher, String k, TopKEncoding encoding, CodecQuality quality,
                              double distinct, double lz4, double zstd) {
        double entries = (double) TopKCodecBenchmark.POSITIONS * Integer.parseInt(k);
        double[] score = new double[OPERATIONS.length];
        double[] error = new double[OPERATIONS.length];
        for (int i = 0; i < OPERATIONS.length; i++) {
            String operation = OPERATIONS[i];
            RunResult result = results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + operation)
                    && r.getParams().getParam("teacher").equals(teacher) && r.getParams().getParam("k").equals(k)
                    && r.getParams().getParam("encoding").equals(encoding.name())).findFirst().orElseThrow();
            score[i] = result.getPrimaryResult().getScore() * entries / 1e6;
            error[i] = Double.isNaN(result.getPrimaryResult().getScoreError()) ? 0 : result.getPrimaryResult().getScoreError() * entries / 1e6;
        }
        String kl = quality.bitExact() ? "0 (bit-exact) | 0 (bit-exact)"
                : String.format(Locale.ROOT, "%.1e | %.1e", quality.maxRenormalisedKl(), quality.maxTailKl());
        return String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %s | %.0f +- %.0f | %.0f +- %.0f | %.0f +- %.0f | %.1f |%n",
                teacher, k, encoding.name().toLowerCase(Locale.ROOT), quality.bytesPerEntry(), lz4, zstd, distinct, kl,
                score[0], error[0], score[1], error[1], score[2], error[2], score[2] / score[1]);
    }
}
