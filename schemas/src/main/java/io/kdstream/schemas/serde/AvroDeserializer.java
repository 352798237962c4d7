package io.kdstream.schemas.serde;

import io.kdstream.schemas.registry.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads records in the Confluent wire format. The writer's schema comes from the registry by the id in the
 * header; with {@code specific.avro.reader=true} (the default) the record is resolved to the generated class of
 * the same name, so records written with an older compatible schema still decode.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    private SchemaRegistry registry;
    private boolean specific = true;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    public AvroDeserializer() {
    }

    public AvroDeserializer(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            this.registry = SerdeSettings.registry(configs);
        }
        this.specific = SerdeSettings.flag(configs, SerdeSettings.SPECIFIC_READER, true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] bytes) {
        return bytes == null ? null : (T) WireFormat.read(topic, bytes, this::read);
    }

    /** Reads the buffer's bytes where they are (Kafka's default would copy them into an array first). */
    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, Headers headers, ByteBuffer bytes) {
        return bytes == null ? null : (T) WireFormat.read(topic, bytes, this::read);
    }

    private Object read(int schemaId, byte[] bytes, int offset, int length) throws IOException {
        return readers.computeIfAbsent(schemaId, this::readerFor).read(null, DecoderFactory.get().binaryDecoder(bytes, offset, length, null));
    }

    private DatumReader<Object> readerFor(int id) {
        Schema writer = registry.schemaById(id);
        if (specific) {
            Class<?> generated = SpecificData.get().getClass(writer);
            if (generated != null) {
                return new SpecificDatumReader<>(writer, SpecificData.get().getSchema(generated));
            }
        }
        return new GenericDatumReader<>(writer);
    }
}
