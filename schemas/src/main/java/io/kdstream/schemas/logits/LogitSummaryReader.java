package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ObjIntConsumer;

/**
 * Reads a {@link LogitRecordSummary} straight from a TeacherLogits record's Avro binary form, following the schema
 * it was written with: the summary's fields are decoded, every other field is skipped (the top-K bytes by their
 * length, never copied). Fields the writer's schema lacks take the current schema's defaults, as Avro's schema
 * resolution gives them.
 *
 * <p>Hand-written rather than Avro's resolving reader with a projection, which builds a generic record through a
 * resolution grammar and decodes every skipped int of the token ids: filing a record into the trainer's cache is on
 * the path of a cache rebuild, which should run at a plain consumer's pace. This reads by a plan made once per
 * writer schema, over an {@link AvroBinaryCursor} that passes over skipped values by their lengths. The plan accepts
 * the types the current schema has (and int for the long {@code computationId}, a promotion Avro allows); another
 * type is refused when the plan is made, naming the field.
 */
public final class LogitSummaryReader {

    /** What one field of the writer's record does: decode into the summary being read, or skip. */
    @FunctionalInterface
    private interface Step {
        void apply(AvroBinaryCursor in, Fields summary);
    }

    /** The summary's fields while a record is read. */
    private static final class Fields {
        String promptId;
        Split split;
        String teacherFingerprint;
        String tokenizerFingerprint;
        int k;
        int positions;
        int chunkIndex;
        int chunkCount;
        long computationId;

        LogitRecordSummary summary() {
            return new LogitRecordSummary(promptId, split, teacherFingerprint, tokenizerFingerprint, k, positions,
                    chunkIndex, chunkCount, computationId);
        }
    }

    private static final Schema CURRENT = TeacherLogits.getClassSchema();

    private final Step[] steps;
    private final Fields defaults = new Fields();

    private LogitSummaryReader(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD) {
            throw new AvroTypeException("a logit record's schema must be a record, got " + writer.getType());
        }
        List<Step> plan = new ArrayList<>();
        for (Schema.Field field : writer.getFields()) {
            plan.add(step(field));
        }
        this.steps = plan.toArray(Step[]::new);
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

    /** The summary of the record encoded in {@code bytes[offset .. offset + length)} (Avro binary, no header). */
    public LogitRecordSummary read(byte[] bytes, int offset, int length) {
        AvroBinaryCursor in = new AvroBinaryCursor(bytes, offset, length);
        Fields summary = new Fields();
        summary.split = defaults.split;
        summary.chunkIndex = defaults.chunkIndex;
        summary.chunkCount = defaults.chunkCount;
        summary.computationId = defaults.computationId;
        for (Step step : steps) {
            step.apply(in, summary);
        }
        return summary.summary();
    }

    private static Step step(Schema.Field field) {
        Schema schema = field.schema();
        return switch (field.name()) {
            case "promptId" -> stringStep(field, (summary, value) -> summary.promptId = value);
            case "tokenizerFingerprint" -> repeatingStringStep(field, (summary, value) -> summary.tokenizerFingerprint = value);
            case "split" -> {
                expect(field, Schema.Type.ENUM);
                Split[] splits = schema.getEnumSymbols().stream().map(LogitSummaryReader::splitOrNull).toArray(Split[]::new);
                yield (in, summary) -> summary.split = split(splits, schema, in.readInt());
            }
            case "teacher" -> teacherStep(field);
            case "k" -> intStep(field, (summary, value) -> summary.k = value);
            case "positions" -> intStep(field, (summary, value) -> summary.positions = value);
            case "chunkIndex" -> intStep(field, (summary, value) -> summary.chunkIndex = value);
            case "chunkCount" -> intStep(field, (summary, value) -> summary.chunkCount = value);
            case "computationId" -> {
                expect(field, Schema.Type.LONG, Schema.Type.INT);
                yield schema.getType() == Schema.Type.LONG
                        ? (in, summary) -> summary.computationId = in.readLong()
                        : (in, summary) -> summary.computationId = in.readInt();
            }
            default -> (in, summary) -> in.skip(schema);
        };
    }

    private static Step stringStep(Schema.Field field, BiConsumer<Fields, String> set) {
        expect(field, Schema.Type.STRING);
        return (in, summary) -> set.accept(summary, in.readString());
    }

    /** A string that is the same in nearly every record (a fingerprint): built once, not once a record. */
    private static Step repeatingStringStep(Schema.Field field, BiConsumer<Fields, String> set) {
        expect(field, Schema.Type.STRING);
        AvroBinaryCursor.RepeatingString last = new AvroBinaryCursor.RepeatingString();
        return (in, summary) -> set.accept(summary, in.readRepeatingString(last));
    }

    private static Step intStep(Schema.Field field, ObjIntConsumer<Fields> set) {
        expect(field, Schema.Type.INT);
        return (in, summary) -> set.accept(summary, in.readInt());
    }

    /** The teacher's identity record: only its fingerprint is kept. */
    private static Step teacherStep(Schema.Field field) {
        expect(field, Schema.Type.RECORD);
        List<Step> fields = new ArrayList<>();
        boolean fingerprint = false;
        for (Schema.Field inner : field.schema().getFields()) {
            if (inner.name().equals("fingerprint")) {
                fingerprint = true;
                fields.add(repeatingStringStep(inner, (summary, value) -> summary.teacherFingerprint = value));
            } else {
                Schema skipped = inner.schema();
                fields.add((in, summary) -> in.skip(skipped));
            }
        }
        if (!fingerprint) {
            throw new AvroTypeException("the writer's teacher record has no fingerprint field, which a summary needs");
        }
        Step[] steps = fields.toArray(Step[]::new);
        return (in, summary) -> {
            for (Step step : steps) {
                step.apply(in, summary);
            }
        };
    }

    /** A field the writer did not have: the current schema's default, or a refusal when it has none. */
    private void setDefault(Schema.Field field) {
        Object value = field.hasDefaultValue() ? field.defaultVal() : null;
        switch (field.name()) {
            case "split" -> defaults.split = Split.valueOf((String) value);
            case "chunkIndex" -> defaults.chunkIndex = (Integer) value;
            case "chunkCount" -> defaults.chunkCount = (Integer) value;
            case "computationId" -> defaults.computationId = ((Number) value).longValue();
            case "promptId", "teacher", "tokenizerFingerprint", "k", "positions" ->
                    throw new AvroTypeException("the writer's schema has no field " + field.name() + ", which a summary needs");
            default -> {
                // not part of a summary
            }
        }
    }

    private static void expect(Schema.Field field, Schema.Type... accepted) {
        for (Schema.Type type : accepted) {
            if (field.schema().getType() == type) {
                return;
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

    private static Split split(Split[] splits, Schema writerEnum, int index) {
        if (index < 0 || index >= splits.length) {
            throw new AvroTypeException("split index " + index + " is outside the writer's " + splits.length + " symbols");
        }
        if (splits[index] == null) {
            throw new AvroTypeException("split " + writerEnum.getEnumSymbols().get(index) + " is not one of " + List.of(Split.values()));
        }
        return splits[index];
    }
}
