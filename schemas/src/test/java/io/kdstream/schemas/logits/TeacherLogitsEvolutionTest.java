package io.kdstream.schemas.logits;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.registry.SchemaRegistryClient;
import io.kdstream.schemas.testing.EvolvedSchemas;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema's changes are BACKWARD-compatible: records written before the packed-encoding fields (version 1), before
 * the summary's fields moved to the front (version 2) and before the compact and sampled encodings' symbols
 * (version 3) still decode, and the registry accepts each version.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TeacherLogitsEvolutionTest {

    private static Schema firstSchema() throws IOException {
        return historySchema(1);
    }

    private static Schema historySchema(int version) throws IOException {
        try (InputStream in = TeacherLogitsEvolutionTest.class.getResourceAsStream("/avro-history/TeacherLogits-" + version + ".avsc")) {
            Schema.Parser parser = new Schema.Parser();
            parser.parse(Split.getClassSchema().toString());
            return parser.parse(in);
        }
    }

    @Test
    void shouldReadRecordsOfTheFirstSchemaWithTheCurrentOne() throws IOException {
        Schema first = firstSchema();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(TeacherLogits.getClassSchema(), first).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);

        TopKSequence topK = new TopKSequence(2, 100, new int[]{7, 3, 9, 8}, new float[]{2, 1, 0.5f, -1}, new float[]{3, 2});
        GenericRecord old = new GenericData.Record(first);
        GenericRecord teacher = new GenericData.Record(first.getField("teacher").schema());
        teacher.put("modelId", "m");
        teacher.put("revision", "1");
        teacher.put("fingerprint", "f");
        old.put("promptId", "p");
        old.put("dataset", "math");
        old.put("split", new GenericData.EnumSymbol(first.getField("split").schema(), "TRAIN"));
        old.put("teacher", teacher);
        old.put("tokenizerFingerprint", "tok");
        old.put("tokenIds", List.of(1, 2, 3));
        old.put("lossMask", SequenceLogits.encodeMask(new float[]{0, 1}));
        old.put("k", 2);
        old.put("valueKind", new GenericData.EnumSymbol(first.getField("valueKind").schema(), "RAW_LOGITS"));
        old.put("temperature", 1f);
        old.put("firstPosition", 0);
        old.put("positions", 2);
        old.put("idEncoding", new GenericData.EnumSymbol(first.getField("idEncoding").schema(), "UINT16_LE"));
        old.put("topkIds", TopKCodec.encodeIds(topK.ids(), IdEncoding.UINT16_LE));
        old.put("valueEncoding", new GenericData.EnumSymbol(first.getField("valueEncoding").schema(), "FLOAT32_LE"));
        old.put("topkValues", TopKCodec.encodeFloats(topK.values(), ValueEncoding.FLOAT32_LE));
        old.put("logSumExp", TopKCodec.encodeFloats(topK.logSumExp(), ValueEncoding.FLOAT32_LE));
        old.put("chunkIndex", 0);
        old.put("chunkCount", 1);
        old.put("computeMillis", 0L);
        old.put("device", "cpu");
        old.put("createdAt", 0L);
        TeacherLogits read = EvolvedSchemas.readAsCurrent(old, TeacherLogits.getClassSchema());
        SequenceLogits decoded = SequenceLogits.decode(read);

        assertThat(read.getComputationId()).isZero();
        assertThat(decoded.ids()).containsExactly(topK.ids());
        assertThat(decoded.values()).containsExactly(topK.values());
        assertThat(decoded.logSumExp()).containsExactly(topK.logSumExp());
        assertThat(decoded.lossMask()).containsExactly(0f, 1f);
    }

    @Test
    void shouldBeAcceptedByARegistryThatEnforcesBackwardCompatibility(EmbeddedPlatform platform) throws IOException {
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 1, Duration.ofMillis(10));
        int first = registry.register("evolution.teacher-logits-value", firstSchema());
        int second = registry.register("evolution.teacher-logits-value", historySchema(2));
        int third = registry.register("evolution.teacher-logits-value", historySchema(3));
        int current = registry.register("evolution.teacher-logits-value", TeacherLogits.getClassSchema());
        assertThat(List.of(first, second, third, current)).doesNotHaveDuplicates();
        // the third only moved the summary's fields to the front, the current one only added encodings' symbols:
        // records of the second and third read as they were
        for (int version : new int[]{2, 3}) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(TeacherLogits.getClassSchema(), historySchema(version)).getType())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
