package io.kdstream.schemas;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
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

    @Test
    void shouldReadResultsOfTheFirstSchemaWithoutACalibrationError() throws IOException {
        Schema first = firstSchema();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(EvalResult.getClassSchema(), first).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        GenericRecord old = new GenericData.Record(first);
        old.put("runId", "run");
        old.put("step", 100L);
        old.put("checkpointUri", "file:/c");
        old.put("checkpointSha256", "00");
        old.put("dataset", "math");
        old.put("split", new GenericData.EnumSymbol(first.getField("split").schema(), "TEST"));
        old.put("status", new GenericData.EnumSymbol(first.getField("status").schema(), "OK"));
        old.put("examples", 10);
        old.put("answerCrossEntropy", 0.5);
        old.put("evalMillis", 1L);
        old.put("evaluatedAt", 0L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(first).write(old, encoder);
        encoder.flush();

        EvalResult read = new SpecificDatumReader<EvalResult>(first, EvalResult.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.getAnswerCrossEntropy()).isEqualTo(0.5);
        assertThat(read.getAnswerCalibrationError()).isNull();
        assertThat(read.getSolvedByFamily()).isEmpty();
    }

    @Test
    void shouldReadResultsOfTheSecondSchemaWithNoScoresByFamily() throws IOException {
        Schema second = historicSchema(2);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(EvalResult.getClassSchema(), second).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        GenericRecord old = new GenericData.Record(second);
        old.put("runId", "run");
        old.put("step", 100L);
        old.put("checkpointUri", "file:/c");
        old.put("checkpointSha256", "00");
        old.put("dataset", "code");
        old.put("split", new GenericData.EnumSymbol(second.getField("split").schema(), "TEST"));
        old.put("status", new GenericData.EnumSymbol(second.getField("status").schema(), "OK"));
        old.put("examples", 10);
        old.put("passAt1", 0.7);
        old.put("answerCrossEntropy", 0.5);
        old.put("answerCalibrationError", 0.01);
        old.put("evalMillis", 1L);
        old.put("evaluatedAt", 0L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(second).write(old, encoder);
        encoder.flush();

        EvalResult read = new SpecificDatumReader<EvalResult>(second, EvalResult.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

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
