package io.kdstream.schemas.logits;

import io.kdstream.schemas.registry.SchemaRegistry;
import io.kdstream.schemas.serde.WireFormat;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the {@link LogitRecordSummary} of a logit record in the Confluent wire format, with a
 * {@link LogitSummaryReader} per writer schema id (the schema comes from the registry once).
 */
public final class LogitSummaryDeserializer implements Deserializer<LogitRecordSummary> {

    private final SchemaRegistry registry;
    private final Map<Integer, LogitSummaryReader> readers = new ConcurrentHashMap<>();

    public LogitSummaryDeserializer(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public LogitRecordSummary deserialize(String topic, byte[] bytes) {
        return bytes == null ? null : WireFormat.read(topic, bytes, this::read);
    }

    /** Reads the buffer's bytes where they are (Kafka's default would copy them into an array first). */
    @Override
    public LogitRecordSummary deserialize(String topic, Headers headers, ByteBuffer bytes) {
        return bytes == null ? null : WireFormat.read(topic, bytes, this::read);
    }

    private LogitRecordSummary read(int schemaId, byte[] bytes, int offset, int length) {
        return readers.computeIfAbsent(schemaId, id -> LogitSummaryReader.forWriter(registry.schemaById(id))).read(bytes, offset, length);
    }
}
