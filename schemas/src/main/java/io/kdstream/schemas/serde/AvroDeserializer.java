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
    /** The record the topic holds; null reads any record. */
    private final Schema expected;
    private final Map<Integer, WriterReader> readers = new ConcurrentHashMap<>();

    /** A writer schema and the reader that resolves it to what this deserializer returns. */
    private record WriterReader(Schema writer, DatumReader<Object> reader) {
    }

    public AvroDeserializer() {
        this.expected = null;
    }

    /**
     * @param expected the record the topic holds, or null for any: a record of another schema (a DeadLetter sent to
     *                 kd.prompts, say) is refused here, naming both, rather than handed to code that would fail on its type
     */
    public AvroDeserializer(SchemaRegistry registry, Schema expected) {
        this.registry = registry;
        this.expected = expected;
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

    /**
     * Checks the body once without building anything before reading it: Avro allocates a string, bytes or array by the
     * length or count the record claims, so a hostile claim (an array of 2^31 - 9 items in a record of 40 bytes, or a
     * block whose byte size hides its items from a skip) would exhaust the heap; {@link AvroBinaryCursor#check} refuses
     * it, naming the byte, instead.
     */
    private Object read(int schemaId, byte[] bytes, int offset, int length) throws IOException {
        WriterReader decoding = readers.computeIfAbsent(schemaId, this::readerFor);
        new AvroBinaryCursor(bytes, offset, length).check(decoding.writer());
        return decoding.reader().read(null, DecoderFactory.get().binaryDecoder(bytes, offset, length, null));
    }

    private WriterReader readerFor(int id) {
        Schema writer = registry.schemaById(id);
        if (expected != null && !expected.getFullName().equals(writer.getFullName()) && !expected.getAliases().contains(writer.getFullName())) {
            throw new IllegalArgumentException("schema id " + id + " is " + writer.getFullName() + ", not the " + expected.getFullName() + " this topic holds");
        }
        if (specific) {
            Class<?> generated = SpecificData.get().getClass(writer);
            if (generated != null) {
                return new WriterReader(writer, new SpecificDatumReader<>(writer, SpecificData.get().getSchema(generated)));
            }
        }
        return new WriterReader(writer, new GenericDatumReader<>(writer));
    }
}
