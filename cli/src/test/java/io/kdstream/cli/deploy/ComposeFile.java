package io.kdstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker Compose file read the way Compose reads it: merge keys applied, {@code ${VAR:-default}} taken at its
 * default, env_file entries under the service's own environment, and a service's command line completed from its
 * image's ENTRYPOINT and CMD (kdstream images: the docker/Dockerfile target of the image's name).
 */
final class ComposeFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");
    static final String KDSTREAM_IMAGE = "kdstream/";

    private final Path file;
    private final JsonNode root;

    private ComposeFile(Path file) {
        this.file = file;
        this.root = Yaml.withMergeKeys(file);
    }

    static ComposeFile read(String relative) {
        return new ComposeFile(Repository.path(relative));
    }

    Map<String, JsonNode> services() {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        root.path("services").fields().forEachRemaining(entry -> services.put(entry.getKey(), entry.getValue()));
        return services;
    }

    JsonNode service(String name) {
        JsonNode service = root.path("services").path(name);
        if (service.isMissingNode()) {
            throw new AssertionError(file + " has no service " + name);
        }
        return service;
    }

    String image(String service) {
        return interpolate(service(service).path("image").asText(""));
    }

    /** The kdstream/<target> image's Dockerfile target, if the service runs a kdstream image. */
    Optional<String> kdstreamTarget(String service) {
        String image = image(service);
        if (!image.startsWith(KDSTREAM_IMAGE)) {
            return Optional.empty();
        }
        return Optional.of(image.substring(KDSTREAM_IMAGE.length(), image.indexOf(':')));
    }

    /** ENTRYPOINT + CMD as the container runs them: an entrypoint override also drops the image's CMD. */
    List<String> argv(String name) {
        JsonNode service = service(name);
        Dockerfile.Stage image = DockerImagesTest.target(kdstreamTarget(name).orElseThrow());
        List<String> argv = new ArrayList<>(service.has("entrypoint") ? strings(service.get("entrypoint")) : image.entrypoint());
        if (service.has("command")) {
            argv.addAll(strings(service.get("command")));
        } else if (!service.has("entrypoint")) {
            argv.addAll(image.cmd());
        }
        return argv;
    }

    /** The environment Compose gives the container: env_file entries, then the service's own environment. */
    Map<String, String> environment(String name) {
        JsonNode service = service(name);
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode envFile : service.path("env_file")) {
            env.putAll(readEnvFile(file.resolveSibling(envFile.asText())));
        }
        service.path("environment").fields().forEachRemaining(entry -> env.put(entry.getKey(), interpolate(entry.getValue().asText())));
        return env;
    }

    /** Mount path -> volume (or host path) of each of the service's volumes. */
    Map<String, String> mounts(String name) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : service(name).path("volumes")) {
            String[] parts = interpolate(volume.asText()).split(":");
            mounts.put(parts[1], parts[0]);
        }
        return mounts;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> out.add(interpolate(item.asText())));
        } else {
            out.addAll(List.of(interpolate(node.asText()).trim().split("\\s+")));
        }
        return out;
    }

    static String interpolate(String text) {
        Matcher variable = VARIABLE.matcher(text);
        return variable.replaceAll(match -> Matcher.quoteReplacement(match.group(2) == null ? "" : match.group(2)));
    }

    static Map<String, String> readEnvFile(Path envFile) {
        try {
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : Files.readAllLines(envFile)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int equals = trimmed.indexOf('=');
                env.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
            }
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + envFile, e);
        }
    }
}
