package io.kdstream.schemas.serde;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.registry.IncompatibleSchemaException;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPlatformExtension.class)
class AvroSerdeTest {

    private static Prompt prompt() {
        return Prompt.newBuilder()
                .setId("abc").setDataset("math").setSplit(Split.TEST)
                .setPrompt("2+3=").setResponse("5").setExpectedAnswer("5")
                .setSource("test").setMetadata(Map.of("level", "1"))
                .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    private static AvroSerde<Prompt> serde(EmbeddedPlatform platform) {
        AvroSerde<Prompt> serde = new AvroSerde<>();
        serde.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        return serde;
    }

    @Test
    void shouldRoundTripASpecificRecordInTheConfluentWireFormat(EmbeddedPlatform platform) {
        AvroSerde<Prompt> serde = serde(platform);
        Prompt original = prompt();

        byte[] bytes = serde.serializer().serialize("serde.roundtrip", original);

        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(serde.deserializer().deserialize("serde.roundtrip", bytes)).isEqualTo(original);
    }

    @Test
    void shouldReadAValueWhereAConsumersViewOfItLies(EmbeddedPlatform platform) {
        AvroSerde<Prompt> serde = serde(platform);
        Prompt original = prompt();
        byte[] bytes = serde.serializer().serialize("serde.views", original);
        // as Kafka hands a value to a ByteBuffer deserializer: a slice of a larger fetched buffer
        byte[] fetched = new byte[bytes.length + 20];
        System.arraycopy(bytes, 0, fetched, 13, bytes.length);
        ByteBuffer view = ByteBuffer.wrap(fetched, 7, bytes.length + 10).slice().position(6).limit(6 + bytes.length);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();

        assertThat(serde.deserializer().deserialize("serde.views", null, view)).isEqualTo(original);
        assertThat(serde.deserializer().deserialize("serde.views", null, direct)).isEqualTo(original);
        assertThat(view.position()).isEqualTo(6);
        assertThat(direct.position()).isZero();
        ByteBuffer tooShort = ByteBuffer.wrap(fetched, 0, 10).slice().position(7);
        assertThatThrownBy(() -> serde.deserializer().deserialize("serde.views", null, tooShort))
                .isInstanceOf(SerializationException.class).hasMessageContaining("serde.views").hasMessageContaining("3 bytes");
    }

    @Test
    void shouldDecodeWithAPlainGenericReaderAndOnlyTheRegistrysSchema(EmbeddedPlatform platform) throws Exception {
        byte[] bytes = serde(platform).serializer().serialize("serde.generic", prompt());

        int id = WireFormat.schemaId(bytes);
        Schema fetched = new SchemaRegistryClient(platform.schemaRegistryUrl(), 1, Duration.ofMillis(10)).schemaById(id);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(fetched)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(decoded.get("prompt").toString()).isEqualTo("2+3=");
        assertThat(decoded.get("split").toString()).isEqualTo("TEST");
    }

    @Test
    void shouldReportABackwardIncompatibleSchemaWithTheSubjectNamed(EmbeddedPlatform platform) {
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        serde(platform).serializer().serialize("serde.evolution", prompt());
        // A new Prompt whose id became an int cannot read the records already written: BACKWARD refuses it.
        Schema incompatible = SchemaBuilder.record("Prompt").namespace("io.kdstream.schemas.avro").fields()
                .requiredInt("id").endRecord();
        GenericRecord record = new GenericData.Record(incompatible);
        record.put("id", 1);

        assertThatThrownBy(() -> serializer.serialize("serde.evolution", record))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("serde.evolution-value")
                .hasMessageContaining("incompatible")
                .hasCauseInstanceOf(IncompatibleSchemaException.class);
    }

    @Test
    void shouldFailClearlyWhenTheRegistryIsDown() {
        SchemaRegistryClient down = new SchemaRegistryClient("http://127.0.0.1:9/apis/ccompat/v7", 3, Duration.ofMillis(10));
        AvroSerializer<Prompt> serializer = new AvroSerializer<>(down, false);

        assertThatThrownBy(() -> serializer.serialize("serde.down", prompt()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not reachable")
                .hasMessageContaining("after 3 attempts")
                .hasCauseInstanceOf(RegistryUnavailableException.class);
    }

    @Test
    void shouldRefuseBytesThatAreNotInTheWireFormat(EmbeddedPlatform platform) {
        assertThatThrownBy(() -> serde(platform).deserializer().deserialize("serde.garbage", "{\"json\":1}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("serde.garbage")
                .hasMessageContaining("magic byte");
    }

    @Test
    void shouldRefuseALengthBeyondTheRecordBeforeAllocatingIt(EmbeddedPlatform platform) {
        AvroSerde<Prompt> serde = serde(platform);
        byte[] good = serde.serializer().serialize("serde.lengths", prompt());
        // the header, then the id field's length: 2^31 - 9 bytes, Avro's largest, in a record of a dozen bytes
        byte[] hostile = java.nio.ByteBuffer.allocate(10).put(good, 0, 5).put(new byte[] {(byte) 0xee, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}).array();

        assertThatThrownBy(() -> serde.deserializer().deserialize("serde.lengths", hostile))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("serde.lengths")
                .hasMessageContaining("length 2147483639 before byte 5 (the record has 5 bytes) runs past the end");
    }

    @Test
    void shouldRefuseARecordOfAnotherSchemaNamingBoth(EmbeddedPlatform platform) {
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl());
        AvroSerde<Prompt> prompts = new AvroSerde<>(registry, Prompt.getClassSchema());
        prompts.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        Schema other = SchemaBuilder.record("Other").namespace("serde.test").fields().requiredString("name").endRecord();
        GenericData.Record record = new GenericData.Record(other);
        record.put("name", "not a prompt");
        AvroSerde<GenericData.Record> generic = new AvroSerde<>(registry, null);
        generic.configure(Map.of("schema.registry.url", platform.schemaRegistryUrl()), false);
        byte[] bytes = generic.serializer().serialize("serde.other", record);

        assertThatThrownBy(() -> prompts.deserializer().deserialize("serde.prompts", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("serde.test.Other, not the io.kdstream.schemas.avro.Prompt this topic holds");
    }

    @Test
    void shouldKeepTheSameIdWhenTheSameSchemaIsRegisteredAgain(EmbeddedPlatform platform) {
        SchemaRegistryClient first = new SchemaRegistryClient(platform.schemaRegistryUrl(), 1, Duration.ofMillis(10));
        SchemaRegistryClient second = new SchemaRegistryClient(platform.schemaRegistryUrl(), 1, Duration.ofMillis(10));

        int id = first.register("serde.ids-value", Prompt.getClassSchema());

        assertThat(second.register("serde.ids-value", Prompt.getClassSchema())).isEqualTo(id);
        assertThat(List.of(second.schemaById(id))).containsExactly(Prompt.getClassSchema());
    }
}
