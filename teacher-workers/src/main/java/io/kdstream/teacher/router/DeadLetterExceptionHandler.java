package io.kdstream.teacher.router;

import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * A record Kafka Streams cannot deserialize becomes a DeadLetter in {@code kd.deadletter}, written by Streams itself
 * (inside the task's transaction under exactly-once), and processing goes on.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private Topic<byte[], DeadLetter> deadLetters;
    private String service;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = new TopicCatalogue(configs).deadLetter();
        service = String.valueOf(configs.get("application.id"));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        DeadLetter letter = DeadLetters.ofKafkaRecord(service, record.topic(), record.partition(), record.offset(), record.key(), record.value(), exception);
        log.warn("{}: record {}-{}@{} sent to {}: {}", service, record.topic(), record.partition(), record.offset(), deadLetters.name(), letter.getErrorMessage());
        byte[] value = deadLetters.valueSerde().serializer().serialize(deadLetters.name(), letter);
        return Response.resume(List.of(new ProducerRecord<>(deadLetters.name(), record.key(), value)));
    }
}
