package io.kdstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherLogits;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same schema in another rendering is the same version. Python's avro library, rendering the project's
 * {@code .avsc} files, writes every nested type's namespace out and has none of the {@code avro.java.string}
 * properties the generated Java classes carry; a registry that compares text makes a new version of the subject for
 * it unless asked to normalize.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class SchemaRegistrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldFindTheSameVersionForASchemaWithItsNamespacesWrittenOut(EmbeddedPlatform platform) throws Exception {
        for (Schema schema : new Schema[] {Prompt.getClassSchema(), TeacherLogits.getClassSchema()}) {
            String subject = "normalize-" + schema.getName() + "-value";
            Schema pythonRendered = new Schema.Parser().parse(withNamespacesWrittenOut(schema));
            assertThat(SchemaNormalization.toParsingForm(pythonRendered)).isEqualTo(SchemaNormalization.toParsingForm(schema));
            assertThat(withNamespacesWrittenOut(schema)).isNotEqualTo(schema.toString());
            SchemaRegistryClient client = new SchemaRegistryClient(platform.schemaRegistryUrl());

            int id = client.register(subject, schema);
            // a fresh client: nothing cached, the registry decides
            assertThat(new SchemaRegistryClient(platform.schemaRegistryUrl()).register(subject, pythonRendered)).isEqualTo(id);
            assertThat(new SchemaRegistryClient(platform.schemaRegistryUrl()).lookup(subject, pythonRendered)).isEqualTo(id);

            assertThat(versions(platform, subject)).as(subject).hasSize(1);
        }
    }

    /**
     * The schema's JSON as Python's avro library renders the {@code .avsc} it was generated from: every nested named
     * type's namespace written out, no Java string-type properties.
     */
    private static String withNamespacesWrittenOut(Schema schema) throws Exception {
        JsonNode tree = JSON.readTree(schema.toString());
        writeNamespaces(tree, schema.getNamespace());
        return JSON.writeValueAsString(tree);
    }

    private static void writeNamespaces(JsonNode node, String enclosing) {
        if (node.isArray()) {
            node.forEach(item -> writeNamespaces(item, enclosing));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ((ObjectNode) node).remove("avro.java.string");
        String type = node.path("type").asText("");
        String namespace = enclosing;
        if ((type.equals("record") || type.equals("enum") || type.equals("fixed")) && node.has("name")) {
            if (!node.has("namespace") && !node.path("name").asText().contains(".")) {
                ((ObjectNode) node).put("namespace", enclosing);
            }
            namespace = node.path("namespace").asText(enclosing);
        }
        for (JsonNode child : node) {
            writeNamespaces(child, namespace);
        }
    }

    private static JsonNode versions(EmbeddedPlatform platform, String subject) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(platform.schemaRegistryUrl() + "/subjects/" + subject + "/versions")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
