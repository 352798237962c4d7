package io.kdstream.cli.bench.soak;

import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A {@code read_committed} reader of {@code kd.teacher.logits} from its end at start: tells {@link Freshness} when each
 * prompt's logits became visible, that is, when the worker's transaction committed (plus a fetch).
 */
final class CommittedLogitsWatch implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Freshness freshness;
    private final Thread thread;
    private volatile Throwable failure;

    CommittedLogitsWatch(Map<String, Object> clientProperties, Freshness freshness) {
        this.freshness = freshness;
        this.consumer = KafkaClients.rawConsumer(clientProperties, null, "kdstream-bench-soak-logits");
        List<TopicPartition> partitions = IntStream.range(0, TopicCatalogue.TEACHER_LOGITS.partitions())
                .mapToObj(p -> new TopicPartition(TopicCatalogue.TEACHER_LOGITS.name(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before any prompt is sent
        this.thread = new Thread(this::run, "soak-logits-watch");
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && record.value() != null) {
                        String key = new String(record.key(), StandardCharsets.UTF_8);
                        freshness.committed(key.substring(key.indexOf('/') + 1), System.nanoTime());
                    }
                }
            }
        } catch (WakeupException closing) {
            // closed
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(30_000);
    }
}
