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

import static org.assertj.core.api.Assertions.assertThat;

/** EvalResult's calibration field is a BACKWARD-compatible addition: results written before it read with it null. */
@ExtendWith(EmbeddedPlatformExtension.class)
class EvalResultEvolutionTest {

    private static Schema firstSchema() throws IOException {
        try (InputStream in = EvalResultEvolutionTest.class.getResourceAsStream("/avro-history/EvalResult-1.avsc")) {
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
    }

    @Test
    void shouldBeAcceptedByARegistryThatEnforcesBackwardCompatibility(EmbeddedPlatform platform) throws IOException {
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 1, Duration.ofMillis(10));
        int first = registry.register("evolution.eval-result-value", firstSchema());
        int current = registry.register("evolution.eval-result-value", EvalResult.getClassSchema());
        assertThat(current).isNotEqualTo(first);
    }
}
