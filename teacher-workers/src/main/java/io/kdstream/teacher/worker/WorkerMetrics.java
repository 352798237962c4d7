package io.kdstream.teacher.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A worker's meters: sequences and tokens committed (rates come from the scraper), the teacher's batch latency,
 * whether the worker is paused for an unreachable teacher, and the consumer's own metrics, among them {@code kafka_consumer_fetch_manager_records_lag_max}: the lag KEDA
 * scales on.
 */
final class WorkerMetrics implements AutoCloseable {

    private final Counter sequences;
    private final Counter tokens;
    private final Timer batchLatency;
    private final KafkaClientMetrics consumerMetrics;

    WorkerMetrics(MeterRegistry registry, String instance, String teacher, Consumer<?, ?> consumer, BooleanSupplier paused) {
        Tags tags = Tags.of("instance", instance, "teacher", teacher);
        this.sequences = Counter.builder("kdstream.teacher.sequences").description("sequences whose logits were committed").tags(tags).register(registry);
        this.tokens = Counter.builder("kdstream.teacher.tokens").description("tokens whose logits were committed").tags(tags).register(registry);
        this.batchLatency = Timer.builder("kdstream.teacher.batch.latency").description("teacher forward pass and top-K extraction of one batch")
                .tags(tags).publishPercentiles(0.5, 0.95).register(registry);
        Gauge.builder("kdstream.teacher.paused", paused, p -> p.getAsBoolean() ? 1 : 0)
                .description("1 while the teacher cannot be reached and the worker's partitions are paused").tags(tags)
                .strongReference(true) // the supplier is a method reference nothing else holds
                .register(registry);
        this.consumerMetrics = new KafkaClientMetrics(consumer, tags);
        consumerMetrics.bindTo(registry);
    }

    void committed(long sequenceCount, long tokenCount) {
        sequences.increment(sequenceCount);
        tokens.increment(tokenCount);
    }

    void batch(long nanos) {
        batchLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        consumerMetrics.close();
    }
}
