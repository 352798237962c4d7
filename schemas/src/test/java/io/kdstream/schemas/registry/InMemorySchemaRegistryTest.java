package io.kdstream.schemas.registry;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A {@code mock://SCOPE} URL selects an in-memory registry that keeps the rules the serdes rely on. */
class InMemorySchemaRegistryTest {

    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("kdstream.test").fields()
            .requiredString("name").endRecord();
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Thing").namespace("kdstream.test").fields()
            .requiredString("name").name("size").type().intType().intDefault(0).endRecord();
    private static final Schema V2_WITHOUT_DEFAULT = SchemaBuilder.record("Thing").namespace("kdstream.test").fields()
            .requiredString("name").requiredInt("size").endRecord();

    private static SchemaRegistry registry(String scope) {
        return SchemaRegistry.of(RegistryEndpoint.of("mock://" + scope));
    }

    @Test
    void shouldGiveASchemaOneIdWhicheverSubjectAndClientRegistersIt() {
        SchemaRegistry first = registry("ids");
        int id = first.register("a-value", V1);

        assertThat(first.register("a-value", V1)).isEqualTo(id);
        assertThat(registry("ids").register("b-value", V1)).isEqualTo(id);
        assertThat(registry("ids").lookup("b-value", V1)).isEqualTo(id);
        assertThat(registry("ids").schemaById(id)).isEqualTo(V1);
        assertThat(first.register("a-value", V2_WITH_DEFAULT)).isNotEqualTo(id);
        assertThat(first.url()).isEqualTo("mock://ids");
    }

    @Test
    void shouldKeepScopesApart() {
        int id = registry("scope-one").register("t-value", V1);

        assertThatThrownBy(() -> registry("scope-two").schemaById(id))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("mock://scope-two").hasMessageContaining("no schema with id " + id);
        assertThatThrownBy(() -> registry("scope-two").lookup("t-value", V1))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("not registered under subject 't-value'");
    }

    @Test
    void shouldRefuseAVersionThatBreaksBackwardCompatibility() {
        SchemaRegistry registry = registry("compatibility");
        registry.register("c-value", V1);

        assertThatThrownBy(() -> registry.register("c-value", V2_WITHOUT_DEFAULT))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> assertThat(e.subject()).isEqualTo("c-value"))
                .hasMessageContaining("BACKWARD");
        assertThat(registry.register("c-value", V2_WITH_DEFAULT)).isPositive();
    }

    @Test
    void shouldCarryTheCataloguesRecordsThroughTheWireFormat() {
        TopicCatalogue catalogue = new TopicCatalogue(Map.of("schema.registry.url", "mock://catalogue"));
        Prompt prompt = Prompt.newBuilder().setId("p").setDataset("math").setSplit(Split.TRAIN).setPrompt("1+1=").setResponse("2")
                .setSource("test").setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();

        byte[] bytes = catalogue.prompts().valueSerde().serializer().serialize(TopicCatalogue.PROMPTS.name(), prompt);

        assertThat(bytes[0]).isZero();
        assertThat(new TopicCatalogue(Map.of("schema.registry.url", "mock://catalogue")).prompts().valueSerde().deserializer()
                .deserialize(TopicCatalogue.PROMPTS.name(), bytes)).isEqualTo(prompt);
    }
}
