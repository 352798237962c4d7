package io.kdstream.schemas.logits;

import io.kdstream.schemas.registry.SchemaRegistryClient;
import io.kdstream.schemas.serde.WireFormat;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the {@link LogitRecordSummary} of a logit record in the Confluent wire format, with a
 * {@link LogitSummaryReader} per writer schema id (the schema comes from the registry once).
 */
public final class LogitSummaryDeserializer implements Deserializer<LogitRecordSummary> {

    private final SchemaRegistryClient registry;
    private final Map<Integer, LogitSummaryReader> readers = new ConcurrentHashMap<>();

    public LogitSummaryDeserializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public LogitRecordSummary deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return WireFormat.read(topic, bytes, (id, body, offset, length) -> readers
                .computeIfAbsent(id, schemaId -> LogitSummaryReader.forWriter(registry.schemaById(schemaId))).read(body, offset, length));
    }
}
