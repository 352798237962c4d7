package io.kdstream.schemas.topics;

import io.kdstream.platform.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Producers and consumers for catalogue topics. Client properties from the service's settings are passed
 * through; kdstream adds only what it needs and what the caller did not set.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** An idempotent, compressed producer for one topic's types. */
    public static <K, V> KafkaProducer<K, V> producer(Map<String, Object> clientProperties, Topic<K, V> topic, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /**
     * A transactional producer of bytes (values serialized by the caller with the catalogue's serdes, so one producer
     * writes several topics in one transaction), its transactions initialised: an earlier producer of the same
     * {@code transactionalId} is fenced and its unfinished transaction aborted. A principal refused the transactional
     * id is told as any refused write is ({@link KafkaAccess.RefusedException}), naming the id.
     */
    public static KafkaProducer<byte[], byte[]> transactionalProducer(Map<String, Object> clientProperties, String transactionalId, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
        // An unfinished transaction of a producer that never comes back holds read_committed readers until it times out.
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
            return producer;
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw KafkaAccess.refusal(e, clientProperties, "write", "transactional id " + transactionalId).map(RuntimeException.class::cast).orElse(e);
        }
    }

    /**
     * Sends one record and waits for the broker's acknowledgement. A refusal (credentials, ACLs) is reported as
     * {@link KafkaAccess.RefusedException}, naming the principal, the operation and the topic.
     */
    public static <K, V> RecordMetadata sendAndWait(Producer<K, V> producer, ProducerRecord<K, V> record, Map<String, ?> clientProperties) {
        try {
            return producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
        } catch (ExecutionException e) {
            throw refusedOr(e, record, clientProperties, new IllegalStateException("cannot write to " + record.topic() + ": "
                    + e.getCause().getMessage(), e.getCause()));
        } catch (KafkaException e) {
            // a producer that was refused its producer id (no Write anywhere) fails the send itself
            throw refusedOr(e, record, clientProperties, e);
        }
    }

    private static RuntimeException refusedOr(Throwable error, ProducerRecord<?, ?> record, Map<String, ?> clientProperties, RuntimeException otherwise) {
        return KafkaAccess.refusal(error, clientProperties, "write", "topic " + record.topic()).<RuntimeException>map(refused -> refused)
                .orElse(otherwise);
    }

    /**
     * A consumer of raw bytes: values are decoded by the service record by record, so an undecodable record
     * becomes a dead letter instead of an exception that stops every poll.
     *
     * @param groupId the consumer group, or null for a consumer that assigns partitions and keeps its own position
     */
    public static KafkaConsumer<byte[], byte[]> rawConsumer(Map<String, Object> clientProperties, String groupId, String clientId) {
        return new KafkaConsumer<>(rawConsumerProperties(clientProperties, groupId, clientId), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A {@link #rawConsumer} that is a static member of its group: {@code group.instance.id} is {@code instanceId}
     * unless the settings name one. A process restarted under the same instance id (a StatefulSet's pod) is handed
     * its predecessor's partitions at once, without a rebalance, instead of after the session timeout. Close it with
     * {@link #leavingGroup} on a graceful stop.
     */
    public static KafkaConsumer<byte[], byte[]> staticMember(Map<String, Object> clientProperties, String groupId, String instanceId, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        return rawConsumer(props, groupId, clientId);
    }

    /**
     * Closes {@code consumer} leaving its group, which a static member does not do by default: a graceful stop (scaling
     * in, a replacement under another name) hands its partitions on at once.
     */
    public static AutoCloseable leavingGroup(KafkaConsumer<?, ?> consumer) {
        return consumer == null ? null : () -> consumer.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
    }

    /**
     * A {@link #rawConsumer} whose values are views of the fetched bytes rather than copies, for a reader that passes
     * every value on (a replay into a local cache); a view stays valid for as long as its record is referenced.
     */
    public static KafkaConsumer<byte[], ByteBuffer> viewConsumer(Map<String, Object> clientProperties, String groupId, String clientId) {
        return new KafkaConsumer<>(rawConsumerProperties(clientProperties, groupId, clientId), new ByteArrayDeserializer(), new ByteBufferDeserializer());
    }

    private static Map<String, Object> rawConsumerProperties(Map<String, Object> clientProperties, String groupId, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        if (groupId == null) {
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        } else {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId); // each service names its group in its own settings
        }
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        return props;
    }
}
