package io.kdstream.schemas.registry;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.serde.AvroDeserializer;
import io.kdstream.schemas.serde.AvroSerializer;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An unreachable registry is an outage, to be waited out; a registry that answers it has no such schema id has judged
 * the record. Services tell them apart by {@link RegistryUnavailableException#in}.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class RegistryOutageTest {

    /** Nothing listens on port 1. */
    private static final String UNREACHABLE = "http://127.0.0.1:1/apis/ccompat/v7";

    @Test
    void shouldTellAnUnreachableRegistryFromAnUnknownSchemaId(EmbeddedPlatform platform) {
        byte[] encoded = new AvroSerializer<Prompt>(new SchemaRegistryClient(platform.schemaRegistryUrl()), false)
                .serialize("registry.outage", prompt());

        AvroDeserializer<Prompt> away = new AvroDeserializer<>(new SchemaRegistryClient(UNREACHABLE, 2, Duration.ofMillis(10)), Prompt.getClassSchema());
        Throwable outage = catchThrowable(() -> away.deserialize("registry.outage", encoded));
        assertThat(outage).isInstanceOf(SerializationException.class);
        assertThat(RegistryUnavailableException.in(outage)).as("an outage").isPresent();

        byte[] unknownId = encoded.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 999_999);
        AvroDeserializer<Prompt> answering = new AvroDeserializer<>(new SchemaRegistryClient(platform.schemaRegistryUrl()), Prompt.getClassSchema());
        Throwable refused = catchThrowable(() -> answering.deserialize("registry.outage", unknownId));
        assertThat(refused).isInstanceOf(SerializationException.class).hasMessageContaining("no schema with id 999999");
        assertThat(RegistryUnavailableException.in(refused)).as("the record's fault, not an outage").isEmpty();
    }

    @Test
    void shouldWaitUntilTheRegistryAnswersAndCountWhatWasPutBack(EmbeddedPlatform platform) {
        RegistryWait away = new RegistryWait("registry-outage-test-away", new SchemaRegistryClient(UNREACHABLE, 1, Duration.ofMillis(10)));
        RegistryUnavailableException outage = new RegistryUnavailableException("the schema registry at " + UNREACHABLE + " is not reachable", null);
        away.outage(outage, 8);
        away.outage(outage, 2);
        assertThat(away.waiting()).isTrue();
        assertThat(away.over()).as("asked again only after the back-off, and unreachable then too").isFalse();
        assertThat(counted("kdstream.registry.outages", "registry-outage-test-away")).as("one wait, however many records").isEqualTo(1);
        assertThat(counted("kdstream.registry.deferred", "registry-outage-test-away")).isEqualTo(10);

        RegistryWait back = new RegistryWait("registry-outage-test-back", new SchemaRegistryClient(platform.schemaRegistryUrl()));
        back.outage(outage, 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(back::over);
        assertThat(back.waiting()).isFalse();
    }

    private static double counted(String metric, String service) {
        Counter counter = Observability.registry().find(metric).tag("service", service).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Prompt prompt() {
        return Prompt.newBuilder().setId("outage").setDataset("math").setSplit(Split.TRAIN).setPrompt("1+1=")
                .setResponse("2").setSource("test").setMetadata(Map.of()).setCreatedAt(Instant.ofEpochMilli(0)).build();
    }
}
