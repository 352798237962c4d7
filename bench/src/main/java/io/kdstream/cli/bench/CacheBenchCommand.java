package io.kdstream.cli.bench;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream bench cache}: the trainer's cache rebuild (replay) rate against a plain consumer, in one run. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Replay of kd.teacher.logits into the trainer's local cache (decode, check, write shards, commit) "
                + "against a plain consumer reading the same records, alternating, in one run on the embedded broker.")
public final class CacheBenchCommand implements Callable<Integer> {

    /** The target: a rebuild at least this fraction of a plain consumer's rate. */
    static final double TARGET = 0.8;

    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "20000", description = "teacher records in the topic (default: ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--topk", defaultValue = "16", description = "top-K entries a position, packed as workers write them (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--rounds", defaultValue = "3", description = "timed rounds of each reader, after one untimed warm-up round (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--out", defaultValue = "BENCHMARKS.md", description = "file to write the results section to")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path workDir = Files.createTempDirectory("kdstream-bench-cache-");
        List<CacheReplayBenchmark.Pass> plain = new ArrayList<>();
        List<CacheReplayBenchmark.Pass> views = new ArrayList<>();
        List<CacheReplayBenchmark.Pass> decoding = new ArrayList<>();
        List<CacheReplayBenchmark.Pass> rebuild = new ArrayList<>();
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome())) {
            Settings settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
            CacheReplayBenchmark benchmark = new CacheReplayBenchmark(settings, workDir, k);
            benchmark.fill(records);
            benchmark.plainConsumer(); // warm-up: page cache, JIT
            benchmark.viewConsumer();
            benchmark.decodingConsumer();
            benchmark.rebuild(0);
            for (int round = 1; round <= rounds; round++) {
                plain.add(benchmark.plainConsumer());
                views.add(benchmark.viewConsumer());
                decoding.add(benchmark.decodingConsumer());
                rebuild.add(benchmark.rebuild(round));
                System.err.printf("round %d: plain %.0f records/s, views %.0f records/s, decoding %.0f records/s, rebuild %.0f records/s "
                                + "(%.2f s, of which %.2f s commit)%n", round, plain.get(round - 1).recordsPerSecond(),
                        views.get(round - 1).recordsPerSecond(), decoding.get(round - 1).recordsPerSecond(),
                        rebuild.get(round - 1).recordsPerSecond(), rebuild.get(round - 1).seconds(), rebuild.get(round - 1).commitSeconds());
            }
        } finally {
            Files.deleteIfExists(workDir);
        }
        StringBuilder table = new StringBuilder("| round | plain consumer (bytes) records/s | plain consumer (views) records/s "
                + "| decoding consumer records/s | rebuild records/s | of the rebuild: commit (fsync) | rebuild / plain "
                + "| rebuild / plain (views) | rebuild / decoding | JVM CPU us a record: plain / rebuild |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        double[] ratios = new double[rounds];
        double[] viewRatios = new double[rounds];
        double[] decodingRatios = new double[rounds];
        double[] plainCpu = new double[rounds];
        double[] rebuildCpu = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratios[i] = rebuild.get(i).recordsPerSecond() / plain.get(i).recordsPerSecond();
            viewRatios[i] = rebuild.get(i).recordsPerSecond() / views.get(i).recordsPerSecond();
            decodingRatios[i] = rebuild.get(i).recordsPerSecond() / decoding.get(i).recordsPerSecond();
            plainCpu[i] = plain.get(i).cpuMicrosPerRecord();
            rebuildCpu[i] = rebuild.get(i).cpuMicrosPerRecord();
            table.append(String.format("| %d | %.0f | %.0f | %.0f | %.0f | %.2f s of %.2f s | %.2f | %.2f | %.2f | %.1f / %.1f |%n", i + 1,
                    plain.get(i).recordsPerSecond(), views.get(i).recordsPerSecond(), decoding.get(i).recordsPerSecond(),
                    rebuild.get(i).recordsPerSecond(), rebuild.get(i).commitSeconds(), rebuild.get(i).seconds(), ratios[i],
                    viewRatios[i], decodingRatios[i], plainCpu[i], rebuildCpu[i]));
        }
        Distribution plainRatios = Distribution.of(ratios);
        double median = plainRatios.median();
        double viewMedian = Distribution.of(viewRatios).median();
        double decodingMedian = Distribution.of(decodingRatios).median();
        CacheReplayBenchmark.Pass sample = rebuild.get(0);
        String body = "Command: `" + BenchmarkContext.commandLine(spec) + "`  \n"
                + "Machine: " + BenchmarkContext.machine() + "; embedded single-node broker in the benchmark's JVM.  \n"
                + String.format("Topic: %d records of math sequences, top-%d packed (%.0f bytes a record on the topic; the local cache "
                        + "holds %.0f bytes a record). Readers alternate, after one warm-up round each: the *plain consumer* "
                        + "reads every record's value as a byte array (Kafka's usual consumer) and does nothing with it; the "
                        + "*plain consumer (views)* takes each value as a view of the fetched bytes (ByteBufferDeserializer, no "
                        + "copy), as the rebuild's consumer does, and does nothing with it; the *decoding consumer* decodes each value "
                        + "into a TeacherLogits (what a reader of the topic does); the *rebuild* is `kdstream trainer --rebuild-cache`'s "
                        + "catch-up: it files every record (a view of its value) from its key and its summary (read by skipping the logits, not decoding them), frames and "
                        + "checksums it into the shard files, and commits (fsync) at the end, with fetching and filing in two threads.%n%n",
                records, k, (double) plain.get(0).bytes() / plain.get(0).records(), (double) sample.bytes() / sample.records())
                + table
                + String.format("%nMedian rebuild / plain consumer of bytes: **%.2f**; rebuild / plain consumer of views: **%.2f**; "
                        + "rebuild / consumer decoding TeacherLogits: **%.2f**.%n"
                        + "Target, rebuild at least %.1f x the plain consumer: %s (95 %% confidence interval of the median %.2f-%.2f).%n"
                        + "The JVM's CPU time a record (every thread, the in-JVM broker's and the collector's included; medians): "
                        + "plain consumer %.1f us, rebuild %.1f us.%n",
                        median, viewMedian, decodingMedian, TARGET, plainRatios.verdictAtLeast(TARGET), plainRatios.medianLow(), plainRatios.medianHigh(),
                        Distribution.of(plainCpu).median(), Distribution.of(rebuildCpu).median());
        BenchmarksFile.writeSection(out, "Trainer cache: rebuild by replay", body);
        System.out.print(table);
        System.out.printf("median rebuild / plain = %.2f, rebuild / plain (views) = %.2f, rebuild / decoding = %.2f; "
                + "JVM CPU a record: plain %.1f us, rebuild %.1f us%n", median, viewMedian, decodingMedian, Distribution.of(plainCpu).median(), Distribution.of(rebuildCpu).median());
        return 0;
    }
}
