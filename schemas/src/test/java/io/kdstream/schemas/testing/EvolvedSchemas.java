package io.kdstream.schemas.testing;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.schemas.serde.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A compatible new version of a topic's record, and records written with it: registered while the registry is up,
 * its id is one a running service has not met, so reading such a record needs the registry.
 */
public final class EvolvedSchemas {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EvolvedSchemas() {
    }

    /** The schema with an optional string field added at its end: BACKWARD compatible, so a registry takes it as a new version. */
    public static Schema withOptionalField(Schema schema) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(schema.toString());
            ObjectNode field = tree.withArray("fields").addObject();
            field.put("name", "evolvedNote");
            field.putArray("type").add("null").add("string");
            field.putNull("default");
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code old}, written with its own (earlier) schema, read back as the current specific class of {@code current}:
     * what a consumer built today sees of a record an earlier producer wrote.
     */
    public static <T> T readAsCurrent(GenericRecord old, Schema current) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(old.getSchema()).write(old, encoder);
            encoder.flush();
            return new SpecificDatumReader<T>(old.getSchema(), current).read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A record in the wire format under {@code schemaId}, the id of {@link #withOptionalField} of its schema: the body of
     * {@code current} (the record as its topic's serializer wrote it) and the new field, null.
     */
    public static byte[] encodedUnder(int schemaId, byte[] current) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        out.write(current, WireFormat.HEADER_SIZE, current.length - WireFormat.HEADER_SIZE);
        out.write(0); // the union's first branch: null
        return out.toByteArray();
    }
}
