package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A logit record read through the summary projection gives its identity and sizes, as the full decoder does. */
class LogitRecordSummaryTest {

    private static final String REGISTRY = "mock://logit-record-summary";

    @Test
    void shouldReadTheSummaryFieldsOfAFullRecord() {
        TopicCatalogue catalogue = new TopicCatalogue(Map.of("schema.registry.url", REGISTRY));
        TopKSequence topK = new TopKSequence(2, 100, new int[] {7, 3, 9, 8, 1, 2}, new float[] {2, 1, 0.5f, -1, 3, 2}, new float[] {4, 3, 5});
        TeacherLogits record = TopKEncoding.PACKED.encode(topK, 0, 3).applyTo(TeacherLogits.newBuilder())
                .setPromptId("prompt-9").setDataset("code").setSplit(Split.VALIDATION)
                .setTeacher(new TeacherIdentity("m", "1", "teacher-f"))
                .setTokenizerFingerprint("tok-f").setTokenIds(List.of(1, 2, 3, 4))
                .setLossMask(SequenceLogits.encodeMask(new float[] {0, 1, 1}))
                .setK(2).setPositions(3).setValueKind(ValueKind.RAW_LOGITS)
                .setChunkIndex(1).setChunkCount(3).setComputationId(77L)
                .setCreatedAt(Instant.now())
                .build();
        String topic = TopicCatalogue.TEACHER_LOGITS.name();
        byte[] bytes = catalogue.teacherLogits().valueSerde().serializer().serialize(topic, record);

        LogitRecordSummary summary = catalogue.teacherLogitsSummaries().deserialize(topic, bytes);

        assertThat(summary).isEqualTo(new LogitRecordSummary("prompt-9", Split.VALIDATION, "teacher-f", "tok-f", 2, 3, 1, 3, 77L));
        assertThat(catalogue.teacherLogitsSummaries().deserialize(topic, null)).isNull();
    }
}
