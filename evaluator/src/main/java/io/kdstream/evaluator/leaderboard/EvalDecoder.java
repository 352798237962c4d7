package io.kdstream.evaluator.leaderboard;

import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Decodes {@code kd.evals} records inside the topology, so that one the leaderboard cannot read becomes a dead
 * letter (with its topic, partition and offset) instead of stopping the application or vanishing.
 */
final class EvalDecoder implements FixedKeyProcessor<String, byte[], EvalDecoder.Decoded> {

    private static final Logger log = LoggerFactory.getLogger(EvalDecoder.class);

    /** Exactly one of the two is set. */
    record Decoded(EvalResult result, DeadLetter letter) {
    }

    private final Deserializer<EvalResult> deserializer;
    private final String service;
    private FixedKeyProcessorContext<String, Decoded> context;

    EvalDecoder(Deserializer<EvalResult> deserializer, String service) {
        this.deserializer = deserializer;
        this.service = service;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Decoded> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        try {
            context.forward(record.withValue(new Decoded(deserializer.deserialize(source.topic(), record.value()), null)));
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.in(e).isPresent()) {
                throw e; // not the record's fault: the thread waits for the registry and reads it again (Leaderboard)
            }
            byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
            DeadLetter letter = DeadLetters.ofKafkaRecord(service, source.topic(), source.partition(), source.offset(), key, record.value(), e);
            log.warn("{}: record {}-{}@{} is not an EvalResult, sent to the dead letters: {}", service, source.topic(),
                    source.partition(), source.offset(), letter.getErrorMessage());
            context.forward(record.withValue(new Decoded(null, letter)));
        }
    }
}
