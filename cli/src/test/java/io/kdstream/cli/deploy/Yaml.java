package io.kdstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** YAML files as Jackson trees. */
final class Yaml {

    private static final YAMLMapper MAPPER = new YAMLMapper(new YAMLFactory());

    private Yaml() {
    }

    /** Every document of a (multi-document) YAML file or text; empty documents are left out. */
    static List<JsonNode> documents(String text) {
        // document by document: readValues would also split a top-level sequence (a JSON 6902 patch) into items
        try (var parser = MAPPER.getFactory().createParser(text)) {
            List<JsonNode> documents = new ArrayList<>();
            while (parser.nextToken() != null) {
                JsonNode document = MAPPER.readTree(parser);
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * One document with YAML 1.1 merge keys ({@code <<: *anchor}) applied, as Docker Compose applies them; Jackson's
     * parser keeps them as plain keys, SnakeYAML's constructor merges them.
     */
    static JsonNode withMergeKeys(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Object loaded = new org.yaml.snakeyaml.Yaml(new LoaderOptions()).load(reader);
            return new ObjectMapper().valueToTree(loaded);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String toJson(List<JsonNode> documents) {
        try {
            return new ObjectMapper().writeValueAsString(documents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
