package io.kdstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered overlays against the Kubernetes API's JSON schemas (core kinds) and KEDA's CRD schemas, through the
 * npm packages kubernetes-models and @kubernetes-models/keda (k8s/validate; `npm ci --prefix k8s/validate`, which
 * ./kdstream test does). No schema package for Strimzi's CRDs is published to the registries these machines reach, so
 * Strimzi objects are the one kind left unvalidated here (their fields that matter are checked in
 * KubernetesManifestsTest).
 */
class KubernetesSchemaTest {

    private static final Path VALIDATOR = Repository.path("k8s/validate");
    private static final String STRIMZI_GROUP = "kafka.strimzi.io/";

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyObjectWithAPublishedSchemaIsValidAndOnlyStrimzisHaveNone(String overlay) throws Exception {
        assertThat(VALIDATOR.resolve("node_modules/kubernetes-models"))
                .as("the schema packages are not installed: run ./kdstream test once, or npm ci --prefix k8s/validate").isDirectory();
        Manifests manifests = Manifests.overlay(overlay);
        List<String> invalid = new ArrayList<>();
        List<String> unvalidated = new ArrayList<>();
        int valid = 0;
        for (JsonNode result : validate(manifests.all())) {
            String object = result.path("kind").asText() + " " + result.path("name").asText();
            switch (result.path("result").asText()) {
                case "valid" -> valid++;
                case "invalid" -> invalid.add(object + ": " + result.path("error").asText());
                default -> unvalidated.add(result.path("kind").asText());
            }
        }
        assertThat(invalid).as(overlay).isEmpty();
        assertThat(valid).as(overlay).isEqualTo(manifests.all().size() - unvalidated.size());
        assertThat(unvalidated).as(overlay + ": kinds without a schema").allMatch(kind -> kind.startsWith(STRIMZI_GROUP));
    }

    private static JsonNode validate(List<JsonNode> objects) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", "validate.mjs").directory(VALIDATOR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = node.getOutputStream()) {
            in.write(Yaml.toJson(objects).getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as("node validate.mjs").isZero();
        return new ObjectMapper().readTree(out);
    }
}
