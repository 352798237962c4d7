package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.util.List;

/**
 * What a reader needs to file a logit record without decoding its logits: whose it is, which split, how many
 * entries and positions, which chunk. Read through {@link #PROJECTION}, so the token ids, mask and top-K bytes are
 * skipped rather than decoded (see {@code TopicCatalogue#teacherLogitsSummaries}).
 */
public record LogitRecordSummary(String promptId, Split split, String teacherFingerprint, String tokenizerFingerprint, int k,
                                 int positions, int chunkIndex, int chunkCount, long computationId) {

    /** TeacherLogits with only the fields a summary holds (defaults kept, so older records read as the full schema does). */
    public static final Schema PROJECTION = project(TeacherLogits.getClassSchema(),
            List.of("promptId", "split", "teacher", "tokenizerFingerprint", "k", "positions", "chunkIndex", "chunkCount", "computationId"));

    public static LogitRecordSummary of(GenericRecord record) {
        return new LogitRecordSummary(record.get("promptId").toString(), Split.valueOf(record.get("split").toString()),
                ((GenericRecord) record.get("teacher")).get("fingerprint").toString(), record.get("tokenizerFingerprint").toString(),
                (Integer) record.get("k"), (Integer) record.get("positions"), (Integer) record.get("chunkIndex"),
                (Integer) record.get("chunkCount"), (Long) record.get("computationId"));
    }

    private static Schema project(Schema full, List<String> names) {
        List<Schema.Field> fields = names.stream().map(name -> {
            Schema.Field field = full.getField(name);
            if (field == null) {
                throw new IllegalStateException("TeacherLogits has no field " + name);
            }
            return new Schema.Field(field, field.schema());
        }).toList();
        return Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false, fields);
    }
}
