package io.kdstream.schemas.deadletter;

import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Publishes records a service cannot process to {@code kd.deadletter}, with where they came from and why.
 * Sends wait for the broker's acknowledgement: a dead letter that is not stored would be a silent drop.
 */
public final class DeadLetters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String service;
    private final Topic<byte[], DeadLetter> topic;
    private final KafkaProducer<byte[], DeadLetter> producer;

    public DeadLetters(String service, Map<String, Object> clientProperties, Topic<byte[], DeadLetter> topic) {
        this.service = service;
        this.topic = topic;
        this.producer = KafkaClients.producer(clientProperties, topic, service + "-deadletter");
    }

    /** A Kafka record that could not be processed. */
    public void publish(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        publish(record, record.value(), error);
    }

    /** A Kafka record that could not be processed, whose value its reader holds in another form than bytes. */
    public void publish(ConsumerRecord<byte[], ?> record, byte[] value, Throwable error) {
        DeadLetter letter = ofKafkaRecord(service, record.topic(), record.partition(), record.offset(), record.key(), value, error);
        log.warn("{}: record {}-{}@{} sent to {}: {}", service, record.topic(), record.partition(), record.offset(), topic.name(), letter.getErrorMessage());
        send(record.key(), letter);
    }

    /** The dead letter of a Kafka record, for services that send it themselves (in a transaction, from Streams). */
    public static DeadLetter ofKafkaRecord(String service, String sourceTopic, int partition, long offset, byte[] key, byte[] value, Throwable error) {
        return base(service, error)
                .setSourceTopic(sourceTopic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(wrap(key))
                .setValue(wrap(value))
                .build();
    }

    /** A line of an input file that could not be used. */
    public void publishLine(String file, long lineNumber, byte[] line, Throwable error) {
        DeadLetter letter = base(service, error)
                .setSourceFile(file)
                .setSourceLine(lineNumber)
                .setValue(wrap(line))
                .build();
        send((file + ":" + lineNumber).getBytes(StandardCharsets.UTF_8), letter);
    }

    private static DeadLetter.Builder base(String service, Throwable error) {
        return DeadLetter.newBuilder()
                .setService(service)
                .setErrorType(error.getClass().getName())
                .setErrorMessage(String.valueOf(error.getMessage()))
                .setCreatedAt(Instant.now());
    }

    private void send(byte[] key, DeadLetter letter) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, letter)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a dead letter", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot store a dead letter in " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    @Override
    public void close() {
        producer.close();
    }
}
