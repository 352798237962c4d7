package io.kdstream.schemas.logits;

import io.kdstream.schemas.serde.AvroBinaryCursor;

import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link LogitRecordSummary} straight from a TeacherLogits record's Avro binary form, following the schema
 * it was written with: the summary's fields are decoded, every other field is skipped (the top-K bytes by their
 * length, never copied). Fields the writer's schema lacks take the current schema's defaults, as Avro's schema
 * resolution gives them.
 *
 * <p>Hand-written rather than Avro's resolving reader with a projection, which builds a generic record through a
 * resolution grammar and decodes every skipped int of the token ids: filing a record into the trainer's cache is on
 * the path of a cache rebuild, which should run at a plain consumer's pace. This reads by a plan made once per
 * writer schema: one operation a value, in the order the values are written (a record's fields are written one
 * after another, so the teacher's identity record is planned field by field), run by one loop over an
 * {@link AvroBinaryCursor} that passes over skipped values by their lengths, and ends with the last summary field:
 * what follows it is not looked at (in the current schema, the token ids and the top-K bytes). The plan accepts the
 * types the current schema has (and int for the long {@code computationId}, a promotion Avro allows: both are zig-zag
 * varints); another type is refused when the plan is made, naming the field.
 */
public final class LogitSummaryReader {

    // the operations of a plan
    private static final byte SKIP_VALUE = 0;
    private static final byte SKIP_VARINT = 1;
    private static final byte SKIP_LENGTH_PREFIXED = 2;
    private static final byte PROMPT_ID = 3;
    private static final byte SPLIT = 4;
    private static final byte TEACHER_FINGERPRINT = 5;
    private static final byte TOKENIZER_FINGERPRINT = 6;
    private static final byte K = 7;
    private static final byte POSITIONS = 8;
    private static final byte CHUNK_INDEX = 9;
    private static final byte CHUNK_COUNT = 10;
    private static final byte COMPUTATION_ID = 11;

    private static final Schema CURRENT = TeacherLogits.getClassSchema();

    private final byte[] operations;
    /** For {@link #SKIP_VALUE}: the schema of the value to pass over (null for the other operations). */
    private final Schema[] skipped;
    /** The field each operation reads or skips, for errors ({@code teacher.fingerprint} for a field of the teacher). */
    private final String[] fields;
    /** The writer's split symbols as this reader's splits (null for a symbol this reader lacks). */
    private Split[] splits;
    private Schema writerSplit;
    private Split defaultSplit;
    private int defaultChunkIndex;
    private int defaultChunkCount;
    private long defaultComputationId;
    private final AvroBinaryCursor.RepeatingString teacherFingerprints = new AvroBinaryCursor.RepeatingString();
    private final AvroBinaryCursor.RepeatingString tokenizerFingerprints = new AvroBinaryCursor.RepeatingString();

    private LogitSummaryReader(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD) {
            throw new AvroTypeException("a logit record's schema must be a record, got " + writer.getType());
        }
        Plan plan = new Plan();
        for (Schema.Field field : writer.getFields()) {
            if (field.name().equals("teacher")) {
                planTeacher(field, plan);
            } else {
                plan.add(operation(field), field.schema(), field.name());
            }
        }
        // nothing after the last summary field is read: skipping it would only touch bytes (the current schema puts the
        // top-K bytes there)
        int read = plan.operations.size();
        while (read > 0 && isSkip(plan.operations.get(read - 1))) {
            read--;
        }
        this.operations = new byte[read];
        for (int i = 0; i < operations.length; i++) {
            operations[i] = plan.operations.get(i);
        }
        this.skipped = plan.skipped.subList(0, read).toArray(Schema[]::new);
        this.fields = plan.fields.subList(0, read).toArray(String[]::new);
        for (Schema.Field field : CURRENT.getFields()) {
            if (writer.getField(field.name()) == null) {
                setDefault(field);
            }
        }
    }

    /** The reader of records written with {@code writer}; refuses a schema whose summary fields it cannot read. */
    public static LogitSummaryReader forWriter(Schema writer) {
        return new LogitSummaryReader(writer);
    }

    /**
     * The summary of the record encoded in {@code bytes[offset .. offset + length)} (Avro binary, no header); a record
     * that ends too soon or holds impossible lengths is refused naming the field and the byte within the record.
     */
    public LogitRecordSummary read(byte[] bytes, int offset, int length) {
        AvroBinaryCursor in = new AvroBinaryCursor(bytes, offset, length);
        String promptId = null;
        Split split = defaultSplit;
        String teacherFingerprint = null;
        String tokenizerFingerprint = null;
        int k = 0;
        int positions = 0;
        int chunkIndex = defaultChunkIndex;
        int chunkCount = defaultChunkCount;
        long computationId = defaultComputationId;
        int i = 0;
        try {
            for (; i < operations.length; i++) {
                switch (operations[i]) {
                    case SKIP_VARINT -> in.skipVarint();
                    case SKIP_LENGTH_PREFIXED -> in.skipLengthPrefixed();
                    case PROMPT_ID -> promptId = in.readString();
                    case SPLIT -> split = split(in.readInt());
                    case TEACHER_FINGERPRINT -> teacherFingerprint = in.readRepeatingString(teacherFingerprints);
                    case TOKENIZER_FINGERPRINT -> tokenizerFingerprint = in.readRepeatingString(tokenizerFingerprints);
                    case K -> k = in.readInt();
                    case POSITIONS -> positions = in.readInt();
                    case CHUNK_INDEX -> chunkIndex = in.readInt();
                    case CHUNK_COUNT -> chunkCount = in.readInt();
                    case COMPUTATION_ID -> computationId = in.readLong();
                    default -> in.skip(skipped[i]);
                }
            }
        } catch (AvroTypeException e) {
            throw new AvroTypeException("field " + fields[i] + ": " + e.getMessage(), e);
        } catch (AvroRuntimeException e) {
            throw new AvroRuntimeException("field " + fields[i] + ": " + e.getMessage(), e);
        }
        return new LogitRecordSummary(promptId, split, teacherFingerprint, tokenizerFingerprint, k, positions, chunkIndex,
                chunkCount, computationId);
    }

    private byte operation(Schema.Field field) {
        return switch (field.name()) {
            case "promptId" -> expect(field, PROMPT_ID, Schema.Type.STRING);
            case "tokenizerFingerprint" -> expect(field, TOKENIZER_FINGERPRINT, Schema.Type.STRING);
            case "split" -> {
                expect(field, SPLIT, Schema.Type.ENUM);
                writerSplit = field.schema();
                splits = writerSplit.getEnumSymbols().stream().map(LogitSummaryReader::splitOrNull).toArray(Split[]::new);
                yield SPLIT;
            }
            case "k" -> expect(field, K, Schema.Type.INT);
            case "positions" -> expect(field, POSITIONS, Schema.Type.INT);
            case "chunkIndex" -> expect(field, CHUNK_INDEX, Schema.Type.INT);
            case "chunkCount" -> expect(field, CHUNK_COUNT, Schema.Type.INT);
            case "computationId" -> expect(field, COMPUTATION_ID, Schema.Type.LONG, Schema.Type.INT);
            default -> skipping(field.schema());
        };
    }

    /** The teacher's identity record: only its fingerprint is kept. */
    private static void planTeacher(Schema.Field field, Plan plan) {
        expect(field, SKIP_VALUE, Schema.Type.RECORD);
        boolean fingerprint = false;
        for (Schema.Field inner : field.schema().getFields()) {
            if (inner.name().equals("fingerprint")) {
                plan.add(expect(inner, TEACHER_FINGERPRINT, Schema.Type.STRING), inner.schema(), "teacher." + inner.name());
                fingerprint = true;
            } else {
                plan.add(skipping(inner.schema()), inner.schema(), "teacher." + inner.name());
            }
        }
        if (!fingerprint) {
            throw new AvroTypeException("the writer's teacher record has no fingerprint field, which a summary needs");
        }
    }

    private static boolean isSkip(byte operation) {
        return operation == SKIP_VALUE || operation == SKIP_VARINT || operation == SKIP_LENGTH_PREFIXED;
    }

    /** A plan being made: operations, with the schema of the value when one skips it by its schema, and the field. */
    private static final class Plan {
        final List<Byte> operations = new ArrayList<>();
        final List<Schema> skipped = new ArrayList<>();
        final List<String> fields = new ArrayList<>();

        void add(byte operation, Schema schema, String field) {
            operations.add(operation);
            skipped.add(operation == SKIP_VALUE ? schema : null);
            fields.add(field);
        }
    }

    /** How to pass over a value of {@code schema}: the common kinds by a dedicated operation, any other by its schema. */
    private static byte skipping(Schema schema) {
        return switch (schema.getType()) {
            case INT, LONG, ENUM -> SKIP_VARINT;
            case STRING, BYTES -> SKIP_LENGTH_PREFIXED;
            default -> SKIP_VALUE;
        };
    }

    /** A field the writer did not have: the current schema's default, or a refusal when it has none. */
    private void setDefault(Schema.Field field) {
        Object value = field.hasDefaultValue() ? field.defaultVal() : null;
        switch (field.name()) {
            case "split" -> defaultSplit = Split.valueOf((String) value);
            case "chunkIndex" -> defaultChunkIndex = (Integer) value;
            case "chunkCount" -> defaultChunkCount = (Integer) value;
            case "computationId" -> defaultComputationId = ((Number) value).longValue();
            case "promptId", "teacher", "tokenizerFingerprint", "k", "positions" ->
                    throw new AvroTypeException("the writer's schema has no field " + field.name() + ", which a summary needs");
            default -> {
                // not part of a summary
            }
        }
    }

    private static byte expect(Schema.Field field, byte operation, Schema.Type... accepted) {
        for (Schema.Type type : accepted) {
            if (field.schema().getType() == type) {
                return operation;
            }
        }
        throw new AvroTypeException("field " + field.name() + " is written as " + field.schema().getType()
                + "; a logit record summary reads it as " + accepted[0]);
    }

    private static Split splitOrNull(String symbol) {
        for (Split split : Split.values()) {
            if (split.name().equals(symbol)) {
                return split;
            }
        }
        return null;
    }

    private Split split(int index) {
        if (index < 0 || index >= splits.length) {
            throw new AvroTypeException("split index " + index + " is outside the writer's " + splits.length + " symbols");
        }
        if (splits[index] == null) {
            throw new AvroTypeException("split " + writerSplit.getEnumSymbols().get(index) + " is not one of " + List.of(Split.values()));
        }
        return splits[index];
    }
}
