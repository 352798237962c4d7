package io.kdstream.schemas.logits;

import io.kdstream.schemas.registry.SchemaRegistryClient;
import io.kdstream.schemas.registry.SchemaRegistryException;
import io.kdstream.schemas.serde.WireFormat;
import org.apache.kafka.common.errors.SerializationException;
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
        int id;
        try {
            id = WireFormat.schemaId(bytes);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("cannot read a record of topic " + topic + ": " + e.getMessage(), e);
        }
        try {
            LogitSummaryReader reader = readers.computeIfAbsent(id, schemaId -> LogitSummaryReader.forWriter(registry.schemaById(schemaId)));
            return reader.read(bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot read a record of topic " + topic + " written with schema id " + id + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot read the summary of a record of topic " + topic + " (schema id " + id + "): " + e, e);
        }
    }
}
