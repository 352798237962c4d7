package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-written summary reader gives what Avro's own schema resolution gives, for records of the current schema,
 * of the first schema (fields it lacks take their defaults), and of schemas with other fields, in another order;
 * a writer schema it cannot read is refused with the field named.
 */
class LogitSummaryReaderTest {

    private static final Schema CURRENT = TeacherLogits.getClassSchema();

    @Test
    void shouldReadWhatAvroResolvesFromRecordsOfTheCurrentSchema() throws IOException {
        Random random = new Random(7);
        LogitSummaryReader reader = LogitSummaryReader.forWriter(CURRENT);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = specificBytes(randomRecord(random, i));
            assertThat(reader.read(padded(bytes, 5), 5, bytes.length)).isEqualTo(resolvedByAvro(CURRENT, bytes));
        }
    }

    @Test
    void shouldTakeDefaultsForFieldsTheFirstSchemaLacks() throws IOException {
        Schema first = firstSchema();
        GenericRecord record = asWriter(first, randomRecord(new Random(3), 1), new Random(3));
        byte[] bytes = genericBytes(first, record);

        LogitRecordSummary summary = LogitSummaryReader.forWriter(first).read(bytes, 0, bytes.length);

        assertThat(summary).isEqualTo(resolvedByAvro(first, bytes));
        assertThat(summary.computationId()).isZero();
    }

    @Test
    void shouldReadRecordsOfTheSecondSchemaWhoseSummaryFieldsCameLast() throws IOException {
        Schema second = historySchema(2);
        LogitSummaryReader reader = LogitSummaryReader.forWriter(second);
        Random random = new Random(13);
        for (int i = 0; i < 20; i++) {
            byte[] bytes = genericBytes(second, asWriter(second, randomRecord(random, i), random));
            assertThat(reader.read(bytes, 0, bytes.length)).isEqualTo(resolvedByAvro(second, bytes));
        }
    }

    @Test
    void shouldStopReadingAtTheLastSummaryField() throws IOException {
        TeacherLogits record = randomRecord(new Random(17), 0);
        byte[] bytes = specificBytes(record);
        // the bytes of the fields up to computationId alone: what a record of just those fields takes
        List<Schema.Field> head = new ArrayList<>();
        for (Schema.Field field : CURRENT.getFields()) {
            head.add(new Schema.Field(field, field.schema()));
            if (field.name().equals("computationId")) {
                break;
            }
        }
        Schema headSchema = Schema.createRecord(CURRENT.getName(), null, CURRENT.getNamespace(), false, head);
        GenericRecord current = new GenericDatumReader<GenericRecord>(CURRENT)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        int headLength = genericBytes(headSchema, (GenericRecord) convert(headSchema, current, new Random(0))).length;
        assertThat(headLength).isLessThan(bytes.length / 4);

        assertThat(LogitSummaryReader.forWriter(CURRENT).read(bytes, 0, headLength)).isEqualTo(resolvedByAvro(CURRENT, bytes));
    }

    @Test
    void shouldSkipOtherFieldsOfAnyTypeInAnyOrder() throws IOException {
        Random random = new Random(11);
        for (int round = 0; round < 20; round++) {
            Schema writer = evolvedSchema(random, round);
            LogitSummaryReader reader = LogitSummaryReader.forWriter(writer);
            for (int i = 0; i < 20; i++) {
                GenericRecord record = asWriter(writer, randomRecord(random, i), random);
                // half the time with arrays and maps in blocks that announce their size in bytes, as Avro may write them
                byte[] bytes = i % 2 == 0 ? genericBytes(writer, record) : blockedBytes(writer, record);
                assertThat(reader.read(bytes, 0, bytes.length)).as("writer %s", writer).isEqualTo(resolvedByAvro(writer, bytes));
            }
        }
    }

    @Test
    void shouldDescribeATruncatedRecordTheSameWhereverItLiesInMemory() throws IOException {
        byte[] whole = specificBytes(randomRecord(new Random(19), 0));
        LogitSummaryReader reader = LogitSummaryReader.forWriter(CURRENT);
        // every cut that ends the record inside its summary fields; a fetch buffer puts the record at any offset, and
        // a replay reads it from another buffer than the first read did: the error (a dead letter's identity) must not
        // change with that
        List<String> refusals = new ArrayList<>();
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(whole, length);
            String nearStart = refusal(reader, padded(cut, 5), 5, length);
            if (nearStart == null) {
                break; // the summary's fields are all there
            }
            refusals.add(nearStart);
            assertThat(refusal(reader, padded(cut, 910_104), 910_104, length)).isEqualTo(nearStart);
            assertThat(nearStart).startsWith("field ").contains("(the record has " + length + " bytes)");
        }
        assertThat(refusals).hasSizeGreaterThan(20)
                .anySatisfy(message -> assertThat(message).startsWith("field promptId: "))
                .anySatisfy(message -> assertThat(message).startsWith("field teacher.fingerprint: "));
    }

    private static String refusal(LogitSummaryReader reader, byte[] bytes, int offset, int length) {
        try {
            reader.read(bytes, offset, length);
            return null;
        } catch (org.apache.avro.AvroRuntimeException e) {
            return e.getMessage();
        }
    }

    @Test
    void shouldRefuseWriterSchemasItCannotRead() throws IOException {
        assertThatThrownBy(() -> LogitSummaryReader.forWriter(replacing(CURRENT, "k", Schema.create(Schema.Type.STRING))))
                .isInstanceOf(AvroTypeException.class).hasMessageContaining("field k is written as STRING");
        assertThatThrownBy(() -> LogitSummaryReader.forWriter(without(CURRENT, "promptId")))
                .isInstanceOf(AvroTypeException.class).hasMessageContaining("no field promptId");

        Schema otherSplits = replacing(CURRENT, "split", Schema.createEnum("Split", null, "io.kdstream.schemas.avro",
                List.of("TRAIN", "HOLDOUT")));
        GenericRecord record = asWriter(otherSplits, randomRecord(new Random(5), 0), new Random(5));
        record.put("split", new GenericData.EnumSymbol(otherSplits.getField("split").schema(), "HOLDOUT"));
        byte[] bytes = genericBytes(otherSplits, record);
        assertThatThrownBy(() -> LogitSummaryReader.forWriter(otherSplits).read(bytes, 0, bytes.length))
                .isInstanceOf(AvroTypeException.class).hasMessageContaining("split HOLDOUT is not one of");
    }

    private static TeacherLogits randomRecord(Random random, int i) {
        int positions = 1 + random.nextInt(40);
        int k = 1 + random.nextInt(16);
        List<Integer> tokens = new ArrayList<>();
        for (int t = 0; t <= positions; t++) {
            tokens.add(random.nextInt(100));
        }
        byte[] ids = new byte[positions * k * 2];
        byte[] values = new byte[positions * k * 4];
        random.nextBytes(ids);
        random.nextBytes(values);
        return TeacherLogits.newBuilder()
                .setPromptId("prompt-" + i + "-" + random.nextInt(1000)).setDataset(random.nextBoolean() ? "math" : "code")
                .setSplit(Split.values()[random.nextInt(Split.values().length)])
                .setTeacher(new TeacherIdentity("model-" + random.nextInt(5), "r" + random.nextInt(3), "teacher-" + random.nextInt(9)))
                .setTokenizerFingerprint("tok-" + random.nextInt(3)).setTokenIds(tokens)
                .setLossMask(ByteBuffer.wrap(new byte[(positions + 7) / 8]))
                .setK(k).setPositions(positions).setValueKind(ValueKind.RAW_LOGITS)
                .setIdEncoding(IdEncoding.UINT16_LE).setTopkIds(ByteBuffer.wrap(ids))
                .setValueEncoding(ValueEncoding.FLOAT32_LE).setTopkValues(ByteBuffer.wrap(values))
                .setLogSumExp(random.nextBoolean() ? null : ByteBuffer.wrap(new byte[positions * 4]))
                .setChunkIndex(random.nextInt(3)).setChunkCount(3 + random.nextInt(3)).setComputationId(random.nextLong())
                .setCreatedAt(Instant.ofEpochMilli(random.nextInt()))
                .build();
    }

    /**
     * The current schema's fields, shuffled, with fields of other types between them, and the teacher record with a
     * field more; {@code computationId} sometimes written as int.
     */
    private static Schema evolvedSchema(Random random, int round) {
        Schema teacher = CURRENT.getField("teacher").schema();
        List<Schema.Field> teacherFields = copies(teacher.getFields());
        teacherFields.add(random.nextInt(teacherFields.size() + 1), new Schema.Field("weights", Schema.createMap(Schema.create(Schema.Type.DOUBLE))));
        Schema evolvedTeacher = Schema.createRecord(teacher.getName(), null, teacher.getNamespace(), false, teacherFields);

        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : CURRENT.getFields()) {
            if (field.name().equals("teacher")) {
                fields.add(new Schema.Field("teacher", evolvedTeacher));
            } else if (field.name().equals("computationId") && round % 2 == 1) {
                fields.add(new Schema.Field("computationId", Schema.create(Schema.Type.INT)));
            } else {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        Collections.shuffle(fields, random);
        Schema nested = SchemaBuilder.record("Extra" + round).fields().requiredString("note").requiredBoolean("flag").endRecord();
        List<Schema> extras = List.of(
                Schema.createArray(nested), Schema.createMap(Schema.create(Schema.Type.LONG)),
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.BYTES)),
                Schema.createFixed("Digest" + round, null, "test", 16), Schema.create(Schema.Type.DOUBLE),
                Schema.createEnum("Colour" + round, null, "test", List.of("RED", "GREEN")));
        for (int e = 0; e < extras.size(); e++) {
            fields.add(random.nextInt(fields.size() + 1), new Schema.Field("extra" + e, extras.get(e)));
        }
        return Schema.createRecord(CURRENT.getName(), null, CURRENT.getNamespace(), false, fields);
    }

    /** The record as a generic record of {@code writer}: same values, random ones for fields the current schema lacks. */
    private static GenericRecord asWriter(Schema writer, TeacherLogits record, Random random) throws IOException {
        GenericRecord current = new GenericDatumReader<GenericRecord>(CURRENT)
                .read(null, DecoderFactory.get().binaryDecoder(specificBytes(record), null));
        return (GenericRecord) convert(writer, current, random);
    }

    private static Object convert(Schema schema, Object value, Random random) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericRecord from = (GenericRecord) value;
                GenericData.Record to = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    boolean known = from != null && from.getSchema().getField(field.name()) != null;
                    Object fieldValue = known ? from.get(field.name()) : null;
                    if (known && field.schema().getType() == Schema.Type.INT && fieldValue instanceof Long wide) {
                        fieldValue = (int) (long) wide;
                    }
                    to.put(field.name(), known ? convert(field.schema(), fieldValue, random) : randomValue(field.schema(), random));
                }
                yield to;
            }
            case ENUM -> new GenericData.EnumSymbol(schema, value.toString());
            default -> value;
        };
    }

    private static Object randomValue(Schema schema, Random random) {
        return switch (schema.getType()) {
            case RECORD -> convert(schema, null, random);
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(randomValue(schema.getElementType(), random));
                }
                yield items;
            }
            case MAP -> Map.of("a", randomValue(schema.getValueType(), random), "b", randomValue(schema.getValueType(), random));
            case UNION -> random.nextBoolean() ? null : randomValue(schema.getTypes().get(1), random);
            case FIXED -> {
                byte[] bytes = new byte[schema.getFixedSize()];
                random.nextBytes(bytes);
                yield new GenericData.Fixed(schema, bytes);
            }
            case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case BYTES -> ByteBuffer.wrap(new byte[random.nextInt(50)]);
            case STRING -> "s" + random.nextInt(100);
            case BOOLEAN -> random.nextBoolean();
            case DOUBLE -> random.nextDouble();
            case LONG -> random.nextLong();
            case INT -> random.nextInt();
            default -> throw new IllegalArgumentException("no random value for " + schema);
        };
    }

    private static LogitRecordSummary resolvedByAvro(Schema writer, byte[] bytes) throws IOException {
        TeacherLogits record = new SpecificDatumReader<TeacherLogits>(writer, CURRENT)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        return new LogitRecordSummary(record.getPromptId(), record.getSplit(), record.getTeacher().getFingerprint(),
                record.getTokenizerFingerprint(), record.getK(), record.getPositions(), record.getChunkIndex(),
                record.getChunkCount(), record.getComputationId());
    }

    private static byte[] specificBytes(TeacherLogits record) throws IOException {
        return bytes(new SpecificDatumWriter<>(CURRENT), record, null);
    }

    private static byte[] genericBytes(Schema schema, GenericRecord record) throws IOException {
        return bytes(new GenericDatumWriter<>(schema), record, null);
    }

    /** Arrays and maps written in blocks that carry their byte size, as Avro's blocking encoder writes them. */
    private static byte[] blockedBytes(Schema schema, GenericRecord record) throws IOException {
        return bytes(new GenericDatumWriter<>(schema), record, new EncoderFactory().configureBlockSize(64));
    }

    /** {@code record} in Avro binary, by a blocking encoder of {@code blocking} or else a plain one. */
    private static <T> byte[] bytes(DatumWriter<T> writer, T record, EncoderFactory blocking) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = blocking == null ? EncoderFactory.get().binaryEncoder(out, null) : blocking.blockingBinaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** {@code bytes} behind {@code offset} bytes of something else, as they sit behind a wire-format header. */
    private static byte[] padded(byte[] bytes, int offset) {
        byte[] padded = new byte[offset + bytes.length + 3];
        System.arraycopy(bytes, 0, padded, offset, bytes.length);
        return padded;
    }

    private static Schema firstSchema() throws IOException {
        return historySchema(1);
    }

    private static Schema historySchema(int version) throws IOException {
        try (InputStream in = LogitSummaryReaderTest.class.getResourceAsStream("/avro-history/TeacherLogits-" + version + ".avsc")) {
            Schema.Parser parser = new Schema.Parser();
            parser.parse(Split.getClassSchema().toString());
            return parser.parse(in);
        }
    }

    private static Schema replacing(Schema schema, String name, Schema type) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(field.name().equals(name) ? new Schema.Field(name, type) : new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(schema.getName(), null, schema.getNamespace(), false, fields);
    }

    private static Schema without(Schema schema, String name) {
        List<Schema.Field> fields = copies(schema.getFields());
        fields.removeIf(field -> field.name().equals(name));
        return Schema.createRecord(schema.getName(), null, schema.getNamespace(), false, fields);
    }

    private static List<Schema.Field> copies(List<Schema.Field> fields) {
        List<Schema.Field> copies = new ArrayList<>();
        for (Schema.Field field : fields) {
            copies.add(new Schema.Field(field, field.schema()));
        }
        return copies;
    }
}
