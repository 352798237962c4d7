package io.kdstream.schemas;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.Split;
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
 * EvalResult's later fields are BACKWARD-compatible additions: results written before the calibration error read with
 * it null, and results written before the scores by family read with none.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class EvalResultEvolutionTest {

    private static Schema firstSchema() throws IOException {
        return historicSchema(1);
    }

    private static Schema historicSchema(int version) throws IOException {
        try (InputStream in = EvalResultEvolutionTest.class.getResourceAsStream("/avro-history/EvalResult-" + version + ".avsc")) {
            Schema.Parser parser = new Schema.Parser();
            parser.parse(Split.getClassSchema().toString());
            return parser.parse(in);
        }
    }

    /** An OK result of {@code schema}'s version with the fields every version has; the caller adds its version's own. */
    private static GenericRecord oldResult(Schema schema, String dataset) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(EvalResult.getClassSchema(), schema).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        GenericRecord old = new GenericData.Record(schema);
        old.put("runId", "run");
        old.put("step", 100L);
        old.put("checkpointUri", "file:/c");
        old.put("checkpointSha256", "00");
        old.put("dataset", dataset);
        old.put("split", new GenericData.EnumSymbol(schema.getField("split").schema(), "TEST"));
        old.put("status", new GenericData.EnumSymbol(schema.getField("status").schema(), "OK"));
        old.put("examples", 10);
        old.put("answerCrossEntropy", 0.5);
        old.put("evalMillis", 1L);
        old.put("evaluatedAt", 0L);
        return old;
    }

    @Test
    void shouldReadResultsOfTheFirstSchemaWithoutACalibrationError() throws IOException {
        EvalResult read = EvolvedSchemas.readAsCurrent(oldResult(firstSchema(), "math"), EvalResult.getClassSchema());

        assertThat(read.getAnswerCrossEntropy()).isEqualTo(0.5);
        assertThat(read.getAnswerCalibrationError()).isNull();
        assertThat(read.getSolvedByFamily()).isEmpty();
    }

    @Test
    void shouldReadResultsOfTheSecondSchemaWithNoScoresByFamily() throws IOException {
        GenericRecord old = oldResult(historicSchema(2), "code");
        old.put("passAt1", 0.7);
        old.put("answerCalibrationError", 0.01);

        EvalResult read = EvolvedSchemas.readAsCurrent(old, EvalResult.getClassSchema());

        assertThat(read.getPassAt1()).isEqualTo(0.7);
        assertThat(read.getAnswerCalibrationError()).isEqualTo(0.01);
        assertThat(read.getSolvedByFamily()).isEmpty();
    }

    @Test
    void shouldBeAcceptedByARegistryThatEnforcesBackwardCompatibility(EmbeddedPlatform platform) throws IOException {
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 1, Duration.ofMillis(10));
        int first = registry.register("evolution.eval-result-value", firstSchema());
        int second = registry.register("evolution.eval-result-value", historicSchema(2));
        int current = registry.register("evolution.eval-result-value", EvalResult.getClassSchema());
        assertThat(List.of(first, second, current)).doesNotHaveDuplicates();
    }
}
