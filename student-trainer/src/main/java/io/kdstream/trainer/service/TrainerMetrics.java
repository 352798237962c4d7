package io.kdstream.trainer.service;

import io.kdstream.trainer.training.StepMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * A training run's meters: the last step's losses (total, KD, CE), steps and tokens (rates come from the scraper),
 * step time, the number of cached examples, and the cache consumer's own metrics, among them
 * {@code kafka_consumer_fetch_manager_records_lag_max}: how far the run is behind the logit cache.
 */
final class TrainerMetrics implements AutoCloseable {

    private final AtomicReference<StepMetrics> last = new AtomicReference<>();
    private final Counter steps;
    private final Counter tokens;
    private final Timer stepTime;
    private final KafkaClientMetrics consumerMetrics;

    TrainerMetrics(MeterRegistry registry, String runId, Consumer<?, ?> consumer, IntSupplier cachedExamples) {
        Tags tags = Tags.of("run", runId);
        Gauge.builder("kdstream.trainer.loss", last, ref -> ref.get() == null ? Double.NaN : ref.get().totalLoss())
                .tags(tags).tag("term", "total").description("the last step's w_kd KD + w_sft CE").register(registry);
        Gauge.builder("kdstream.trainer.loss", last, ref -> ref.get() == null ? Double.NaN : ref.get().kdLoss())
                .tags(tags).tag("term", "kd").description("the last step's distillation term").register(registry);
        Gauge.builder("kdstream.trainer.loss", last, ref -> ref.get() == null ? Double.NaN : ref.get().ceLoss())
                .tags(tags).tag("term", "ce").description("the last step's cross-entropy").register(registry);
        // gauges hold their object weakly; nothing else holds this method reference
        Gauge.builder("kdstream.trainer.cached.examples", cachedExamples, supplier -> supplier.getAsInt()).strongReference(true)
                .tags(tags).description("training examples read from the logit cache").register(registry);
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
}
