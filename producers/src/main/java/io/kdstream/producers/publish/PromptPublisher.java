package io.kdstream.producers.publish;

import io.kdstream.platform.kafka.KafkaAccess;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends prompts to {@code kd.prompts} keyed by their content hash, with an idempotent, compressed producer.
 * Sends are asynchronous; {@link #flush()} waits for all of them and fails if any failed.
 */
public final class PromptPublisher implements AutoCloseable {

    private final Topic<String, Prompt> topic;
    private final KafkaProducer<String, Prompt> producer;
    private final Map<String, Object> clientProperties;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public PromptPublisher(Map<String, Object> clientProperties, Topic<String, Prompt> topic) {
        this.topic = topic;
        this.producer = KafkaClients.producer(clientProperties, topic, "kdstream-producer");
        this.clientProperties = clientProperties;
    }

    /**
     * Sends one prompt. A schema the registry refuses fails here, at once, for every record alike: it is a
     * configuration problem, not a bad record, so it is thrown rather than dead-lettered.
     */
    public void send(Prompt prompt) {
        failIfAnySendFailed();
        try {
            producer.send(new ProducerRecord<>(topic.name(), prompt.getId(), prompt), (metadata, error) -> {
                if (error == null) {
                    acknowledged.incrementAndGet();
                } else {
                    firstFailure.compareAndSet(null, error);
                }
            });
        } catch (SerializationException e) {
            throw new PublishException("cannot produce to " + topic.name() + ": " + e.getMessage(), e);
        }
    }

    public void flush() {
        producer.flush();
        failIfAnySendFailed();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    private void failIfAnySendFailed() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            String reason = KafkaAccess.refusal(failure, clientProperties, "write", "topic " + topic.name())
                    .map(RuntimeException::getMessage).orElse(failure.getMessage());
            throw new PublishException("the broker did not accept a record for " + topic.name() + ": " + reason, failure);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Producing failed for a reason that is not the record's fault (registry refusal, broker unreachable). */
    public static final class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
