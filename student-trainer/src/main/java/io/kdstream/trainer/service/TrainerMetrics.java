package io.kdstream.trainer.service;

import io.kdstream.trainer.training.StepMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A training run's meters: the last step's losses (total, KD, CE), steps and tokens (rates come from the scraper; the
 * run's own average tokens/s is a gauge too), step time, the epoch, the local cache (sequences, bytes, records of
 * the topic not yet in it), checkpoints written, other teachers' records skipped, cache rebuilds, checkpoints refused
 * on resume, and the cache consumer's own metrics.
 */
final class TrainerMetrics implements AutoCloseable {

    private final AtomicReference<StepMetrics> last = new AtomicReference<>();
    /** Meters hold their object weakly: this field keeps the progress supplier alive as long as the meters. */
    private final Supplier<TrainerService.Progress> progress;
    private final Counter steps;
    private final Counter tokens;
    private final Timer stepTime;
    private final KafkaClientMetrics consumerMetrics;

    TrainerMetrics(MeterRegistry registry, String runId, Consumer<?, ?> consumer, Supplier<TrainerService.Progress> progress) {
        Tags tags = Tags.of("run", runId);
        this.progress = progress;
        // A run resumed in the same JVM (tests, benchmarks) is a new service: its meters replace the stopped one's,
        // which would otherwise keep reading the old service (a registry returns the meter it already has).
        List.copyOf(registry.getMeters()).stream()
                .filter(meter -> meter.getId().getName().startsWith("kdstream.trainer.") && runId.equals(meter.getId().getTag("run")))
                .forEach(registry::remove);
        Gauge.builder("kdstream.trainer.loss", last, ref -> ref.get() == null ? Double.NaN : ref.get().totalLoss())
                .tags(tags).tag("term", "total").description("the last step's w_kd KD + w_sft CE").register(registry);
        Gauge.builder("kdstream.trainer.loss", last, ref -> ref.get() == null ? Double.NaN : ref.get().kdLoss())
                .tags(tags).tag("term", "kd").description("the last step's distillation term").register(registry);
        Gauge.builder("kdstream.trainer.loss", last, ref -> ref.get() == null ? Double.NaN : ref.get().ceLoss())
                .tags(tags).tag("term", "ce").description("the last step's cross-entropy").register(registry);
        gauge(registry, tags, "kdstream.trainer.cached.examples", progress, p -> p.cachedExamples(), "sequences in the local cache");
        gauge(registry, tags, "kdstream.trainer.cache.bytes", progress, p -> p.cacheBytes(), "the local cache's size on disk");
        gauge(registry, tags, "kdstream.trainer.cache.lag", progress, p -> p.lag(), "logit topic records not yet in the local cache");
        gauge(registry, tags, "kdstream.trainer.tokens.per.second", progress, p -> p.tokensPerSecond(), "trained tokens per second of training");
        gauge(registry, tags, "kdstream.trainer.epoch", progress, p -> p.epoch(), "passes over the local cache completed");
        counter(registry, tags, "kdstream.trainer.checkpoints", progress, p -> p.checkpoints(), "checkpoints written");
        counter(registry, tags, "kdstream.trainer.other.teacher.records", progress, p -> p.otherTeacherRecords(), "other teachers' records skipped");
        counter(registry, tags, "kdstream.trainer.dead.lettered", progress, p -> p.deadLettered(),
                "records it cannot train on, in the dead-letter topic");
        counter(registry, tags, "kdstream.trainer.cache.rebuilds", progress, p -> p.cacheRebuilds(), "local cache rebuilds by replay");
        counter(registry, tags, "kdstream.trainer.checkpoints.refused", progress, p -> p.refusedCheckpoints(), "corrupt checkpoints skipped on resume");
        this.steps = Counter.builder("kdstream.trainer.steps").tags(tags).description("optimizer steps taken").register(registry);
        this.tokens = Counter.builder("kdstream.trainer.tokens").tags(tags).description("trained (loss-masked) tokens").register(registry);
        this.stepTime = Timer.builder("kdstream.trainer.step.time").tags(tags).publishPercentiles(0.5, 0.95)
                .description("one optimizer step").register(registry);
        this.consumerMetrics = new KafkaClientMetrics(consumer, tags);
        consumerMetrics.bindTo(registry);
    }

    void step(StepMetrics metrics, long nanos) {
        last.set(metrics);
        steps.increment();
        tokens.increment(metrics.tokens());
        stepTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        consumerMetrics.close();
    }

    private static void gauge(MeterRegistry registry, Tags tags, String name, Supplier<TrainerService.Progress> progress,
                              ToDoubleFunction<TrainerService.Progress> value, String description) {
        Gauge.builder(name, progress, supplier -> value.applyAsDouble(supplier.get()))
                .tags(tags).description(description).register(registry);
    }

    private static void counter(MeterRegistry registry, Tags tags, String name, Supplier<TrainerService.Progress> progress,
                                ToDoubleFunction<TrainerService.Progress> value, String description) {
        FunctionCounter.builder(name, progress, supplier -> value.applyAsDouble(supplier.get()))
                .tags(tags).description(description).register(registry);
    }
}
