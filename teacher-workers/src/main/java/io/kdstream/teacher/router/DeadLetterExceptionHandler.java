package io.kdstream.teacher.router;

import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * A record Kafka Streams cannot deserialize, or one a processor refuses (a prompt whose key is not its id), becomes
 * a DeadLetter in {@code kd.deadletter} with the source record's own bytes, written by Streams itself (inside the
 * task's transaction under exactly-once), and processing goes on. A schema registry that cannot be reached is not the
 * record's fault (the router's serdes wait for it; should one give up): the thread fails instead, and is replaced
 * once the registry answers, reading the record again ({@link CacheRouter#waitedOut}).
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private Topic<byte[], DeadLetter> deadLetters;
    private String service;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = new TopicCatalogue(configs).deadLetter();
        service = String.valueOf(configs.get("application.id"));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (RegistryUnavailableException.in(exception).isPresent()) {
            return DeserializationExceptionHandler.Response.fail();
        }
        return DeserializationExceptionHandler.Response.resume(
                deadLetter(record.topic(), record.partition(), record.offset(), record.key(), record.value(), exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (RegistryUnavailableException.in(exception).isPresent()) {
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(deadLetter(context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(String topic, int partition, long offset, byte[] key, byte[] value, Exception exception) {
        DeadLetter letter = DeadLetters.ofKafkaRecord(service, topic, partition, offset, key, value, exception);
        log.warn("{}: record {}-{}@{} sent to {}: {}", service, topic, partition, offset, deadLetters.name(), letter.getErrorMessage());
        byte[] serialized = deadLetters.valueSerde().serializer().serialize(deadLetters.name(), letter);
        return List.of(new ProducerRecord<>(deadLetters.name(), key, serialized));
    }
}
