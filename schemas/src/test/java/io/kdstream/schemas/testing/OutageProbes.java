package io.kdstream.schemas.testing;

import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.observability.Observability;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What fault tests look at and write with: dead letters, raw bytes past every serde, a service's counted waits. */
public final class OutageProbes {

    private OutageProbes() {
    }

    /** The keys of every dead letter on the cluster, in order. */
    public static List<String> deadLetterKeys(String bootstrapServers) {
        return TopicSnapshot.read(bootstrapServers, TopicCatalogue.DEAD_LETTER.name(), new StringDeserializer(),
                new ByteArrayDeserializer(), 0, Duration.ofSeconds(5)).stream().map(ConsumerRecord::key).toList();
    }

    /** A producer of raw bytes, with no registry behind it. */
    public static KafkaProducer<byte[], byte[]> rawProducer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A service's count of {@code metric} (e.g. {@code kdstream.registry.outages}); 0 before it counted any. */
    public static double counted(String metric, String service) {
        Counter counter = Observability.registry().find(metric).tag("service", service).counter();
        return counter == null ? 0 : counter.count();
    }
}
