package io.kdstream.cli.bench.soak;

import io.kdstream.evaluator.report.LineChartSvg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A soak's results for RELIABILITY.md: a summary against the aims (lag bounded, resident memory flat after warm-up,
 * freshness p50 within 0.5 s of the teacher's own time), the table of intervals, and the plot (freshness, lags,
 * memory against time).
 */
final class SoakReport {

    /** Freshness aim: produced to first drawn, beyond the teacher's own time a batch. */
    static final double FRESHNESS_AIM_SECONDS = 0.5;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    private static final double MB = 1024.0 * 1024.0;

    private final SoakResult result;
    private final SoakOptions options;
    private final HeapSetting heap;

    SoakReport(SoakResult result, SoakOptions options, HeapSetting heap) {
        this.result = result;
        this.options = options;
        this.heap = heap;
    }

    /** The intervals the first ones fill caches, compile and size the heap in: left out of the memory slope. */
    int warmUpIntervals() {
        return Math.max(1, result.intervals().size() / 5);
    }

    /** Resident memory's growth after warm-up, MB a minute. */
    Trend rssTrend() {
        return Trend.of(settled(), interval -> interval.memory().rssBytes() / MB);
    }

    /** The same over the second half of the intervals after warm-up: whether the growth slows. */
    Trend rssTrendLastHalf() {
        List<SoakInterval> settled = settled();
        return Trend.of(settled.subList(settled.size() / 2, settled.size()), interval -> interval.memory().rssBytes() / MB);
    }

    Trend rssAnonTrend() {
        return Trend.of(settled(), interval -> interval.memory().rssAnonBytes() / MB);
    }

    Trend rocksDbTrend() {
        return Trend.of(settled(), interval -> interval.memory().rocksDbBytes() / MB);
    }

    Trend liveHeapTrend() {
        return Trend.of(settled(), interval -> interval.memory().liveHeapBytes() / MB);
    }

    /** The live heap's growth after warm-up over the prompts streamed in meanwhile: what each prompt seen costs it, in bytes. */
    Trend liveHeapBytesPerPrompt() {
        double promptsPerMinute = settled().stream().mapToDouble(SoakInterval::promptsPerSecond).average().orElse(Double.NaN) * 60;
        return liveHeapTrend().times(MB / promptsPerMinute);
    }

    private List<SoakInterval> settled() {
        return result.intervals().subList(Math.min(warmUpIntervals(), result.intervals().size()), result.intervals().size());
    }

    /** The workers' mean teacher time a batch over the run (intervals weighted alike). */
    double teacherBatchSeconds() {
        return result.intervals().stream().mapToDouble(SoakInterval::teacherBatchMillis).filter(Double::isFinite).average().orElse(Double.NaN) / 1000;
    }

    /** Produced to first drawn, p50, less the teacher's own time a batch. */
    double freshnessBeyondTeacherSeconds() {
        return result.overall().toDrawn().p50() - teacherBatchSeconds();
    }

    /** Largest lag after warm-up of the workers and of the trainer, in records (offsets). */
    long maxSettledLag(ToDoubleFunction<SoakInterval> lag) {
        return (long) result.intervals().stream().skip(warmUpIntervals()).mapToDouble(lag).max().orElse(-1);
    }

    String markdown(String commandLine, String machine) {
        Freshness.Window all = result.overall();
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(commandLine).append("`  \n");
        md.append("Machine: ").append(machine).append("  \n");
        md.append(String.format(Locale.ROOT, "Load: %.1f prompts a second for %d s (figures every %d s); router, 2 teacher workers "
                        + "(an untrained teacher of the default size, the workers' default top-K), trainer (default student, checkpoint every %d steps) and evaluator "
                        + "(%d held-out problems a checkpoint) in one JVM with the embedded broker; the registry its own process.%n%n",
                options.promptsPerSecond(), options.duration().toSeconds(), options.interval().toSeconds(), options.checkpointEvery(),
                options.heldOutPrompts()));
        md.append(String.format(Locale.ROOT, "- Prompts: %d produced, logits of %d committed (duplicates seen by a read_committed reader: %d), "
                        + "%d drawn into a batch; %d training steps, %d checkpoints, %d evaluations.%n",
                result.produced(), result.committed(), result.duplicateCommits(), result.drawn(), result.steps(), result.checkpoints(),
                result.evaluations()));
        md.append(String.format(Locale.ROOT, "- Freshness over the run: produced → committed p50 %s / p99 %s; committed → first drawn p50 %s / p99 %s; "
                        + "produced → first drawn p50 %s / p99 %s. The teacher's own time a batch: %s (mean), so p50 is %s beyond it "
                        + "(aim: under %.1f s): %s.%n",
                seconds(all.toCommitted().p50()), seconds(all.toCommitted().p99()), seconds(all.committedToDrawn().p50()),
                seconds(all.committedToDrawn().p99()), seconds(all.toDrawn().p50()), seconds(all.toDrawn().p99()),
                seconds(teacherBatchSeconds()), seconds(freshnessBeyondTeacherSeconds()), FRESHNESS_AIM_SECONDS,
                freshnessBeyondTeacherSeconds() < FRESHNESS_AIM_SECONDS ? "met" : "missed"));
        md.append(String.format(Locale.ROOT, "- Lag after warm-up (the first %d interval(s)), largest: workers %d, trainer %d offsets "
                        + "(%.0f prompts arrive an interval).%n",
                warmUpIntervals(), maxSettledLag(i -> i.workerLag()), maxSettledLag(i -> i.trainerLag()),
                options.promptsPerSecond() * options.interval().toSeconds()));
        md.append(String.format(Locale.ROOT, "- Memory after warm-up (least squares over the intervals after warm-up, ± one standard error): "
                        + "resident set %s MB a minute (its anonymous part %s; over the second half %s), of which the RocksDB stores' block "
                        + "cache %s; live heap %s MB a minute, %s bytes a prompt streamed in. The live heap is what a full collection leaves; "
                        + "the soak asks for one at each interval's end (a pause of %.0f ms on average, %.0f at most) after taking the "
                        + "resident set.%n",
                rssTrend().format(2), rssAnonTrend().format(2), rssTrendLastHalf().format(2), rocksDbTrend().format(2), liveHeapTrend().format(2),
                liveHeapBytesPerPrompt().format(0),
                result.intervals().stream().mapToDouble(i -> i.memory().collectMillis()).average().orElse(Double.NaN),
                result.intervals().stream().mapToDouble(i -> i.memory().collectMillis()).max().orElse(Double.NaN)));
        md.append(String.format(Locale.ROOT, "- Heap: initial %.0f MB, maximum %.0f MB, %s: %s.%n",
                heap.initialBytes() / MB, heap.maxBytes() / MB, heap.preTouched() ? "pre-touched" : "not pre-touched",
                heap.fixed() ? "the heap was resident in full from the start, so the resident set's slope is everything but the heap"
                        : "the resident set's slope includes the heap's pages as the collector first uses them (fix the heap with "
                        + "KDSTREAM_JAVA_OPTS, see RELIABILITY.md)"));
        md.append(String.format(Locale.ROOT, "- The soak's own bookkeeping does not grow with the prompts: %d prompts' times held at the end "
                        + "(in flight), a bit a prompt for duplicates, latencies in histograms (percentiles at most 0.1%% above the "
                        + "nearest-rank sample).%n%n",
                result.inFlight()));
        md.append("| s | prompts/s | logits/s | steps/s | evals | lag router | lag workers | lag trainer | lag evaluator "
                + "| produced→committed p50 / p99 s | committed→drawn p50 / p99 s | produced→drawn p50 / p99 s | teacher ms a batch "
                + "| heap used MB | live heap MB | RSS (anon) MB | RocksDB MB |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (SoakInterval i : result.intervals()) {
            Freshness.Window f = i.freshness();
            md.append(String.format(Locale.ROOT, "| %.0f | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d | %s / %s | %s / %s | %s / %s | %.1f | %.0f | %.0f | %.0f (%.0f) | %.1f |%n",
                    i.endSeconds(), i.promptsPerSecond(), i.logitsPerSecond(), i.stepsPerSecond(), i.evaluations(), i.routerLag(),
                    i.workerLag(), i.trainerLag(), i.evaluatorLag(), plain(f.toCommitted().p50()), plain(f.toCommitted().p99()),
                    plain(f.committedToDrawn().p50()), plain(f.committedToDrawn().p99()), plain(f.toDrawn().p50()), plain(f.toDrawn().p99()),
                    i.teacherBatchMillis(), i.memory().heapUsedBytes() / MB, i.memory().liveHeapBytes() / MB, i.memory().rssBytes() / MB,
                    i.memory().rssAnonBytes() / MB, i.memory().rocksDbBytes() / MB));
        }
        return md.toString();
    }

    /** Freshness, lags and memory against minutes. */
    String svg() {
        double minutes = Math.max(1e-3, result.intervals().isEmpty() ? 1 : result.intervals().get(result.intervals().size() - 1).endSeconds() / 60);
        List<LineChartSvg.Panel> panels = List.of(
                panel("freshness (s)", minutes, List.of("produced→drawn p50", "produced→drawn p99", "produced→committed p50"),
                        List.of(i -> i.freshness().toDrawn().p50(), i -> i.freshness().toDrawn().p99(), i -> i.freshness().toCommitted().p50())),
                panel("consumer lag (offsets)", minutes, List.of("router", "workers", "trainer", "evaluator"),
                        List.of(i -> i.routerLag(), i -> i.workerLag(), i -> i.trainerLag(), i -> i.evaluatorLag())),
                panel("memory (MB)", minutes, List.of("RSS", "RSS, anonymous", "live heap", "heap used"),
                        List.of(i -> i.memory().rssBytes() / MB, i -> i.memory().rssAnonBytes() / MB, i -> i.memory().liveHeapBytes() / MB,
                                i -> i.memory().heapUsedBytes() / MB)));
        return LineChartSvg.render("soak", "freshness, consumer lag and memory against minutes", panels, List.of());
    }

    private LineChartSvg.Panel panel(String title, double minutes, List<String> labels, List<ToDoubleFunction<SoakInterval>> values) {
        List<LineChartSvg.Series> series = new ArrayList<>();
        double max = 0;
        for (int s = 0; s < values.size(); s++) {
            List<LineChartSvg.Point> points = new ArrayList<>();
            for (SoakInterval interval : result.intervals()) {
                double value = values.get(s).applyAsDouble(interval);
                if (Double.isFinite(value) && value >= 0) {
                    points.add(new LineChartSvg.Point(interval.endSeconds() / 60, value));
                    max = Math.max(max, value);
                }
            }
            series.add(LineChartSvg.Series.of(LineChartSvg.Stroke.solid(COLOURS[s], 2), points, labels.get(s)));
        }
        return new LineChartSvg.Panel(title, "minutes", minutes, max > 0 ? max * 1.1 : 1, max * 1.1 >= 10 ? "%.0f" : "%.2f", series);
    }

    private static String seconds(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f s", value) : "n/a";
    }

    private static String plain(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "-";
    }
}
