package io.kdstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * A Kustomize overlay of k8s/ as the cluster would receive it, rendered by the real kustomize (kubectl's), with
 * the lookups the checks need: objects by kind and name, and each container's environment, mounts and command
 * line resolved the way the kubelet resolves them.
 */
final class Manifests {

    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();
    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    static final List<String> WORKLOAD_KINDS = List.of("Deployment", "StatefulSet", "Job");

    private final String overlay;
    private final List<JsonNode> objects;

    private Manifests(String overlay, List<JsonNode> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    /** Renders k8s/overlays/NAME with kubectl's built-in kustomize (./kdstream test installs kubectl where it is missing). */
    static Manifests overlay(String name) {
        if (!kubectlAvailable()) {
            throw new IllegalStateException("kubectl (with its built-in kustomize) is not on the PATH: run ./kdstream test once, "
                    + "or install kubectl 1.21+, to check the rendered overlays");
        }
        return new Manifests(name, RENDERED.computeIfAbsent(name, Manifests::render));
    }

    static boolean kubectlAvailable() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<JsonNode> render(String overlay) {
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", Repository.path("k8s/overlays/" + overlay).toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize k8s/overlays/" + overlay + " failed");
            }
            return Yaml.documents(yaml);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kubectl kustomize", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return overlay;
    }

    List<JsonNode> all() {
        return objects;
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(object -> nameOf(object).equals(name)).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    static String nameOf(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    List<JsonNode> workloads() {
        return objects.stream().filter(object -> WORKLOAD_KINDS.contains(object.path("kind").asText())).toList();
    }

    List<Container> containers() {
        List<Container> containers = new ArrayList<>();
        for (JsonNode workload : workloads()) {
            for (JsonNode container : workload.path("spec").path("template").path("spec").path("containers")) {
                containers.add(new Container(workload, container));
            }
        }
        return containers;
    }

    /** The kdstream containers of a workload whose image is kdstream/TARGET. */
    List<Container> containersOf(String target) {
        return containers().stream().filter(container -> container.kdstreamTarget().filter(target::equals).isPresent()).toList();
    }

    /** One container of one workload. */
    final class Container {
        final JsonNode workload;
        final JsonNode spec;

        Container(JsonNode workload, JsonNode spec) {
            this.workload = workload;
            this.spec = spec;
        }

        String where() {
            return overlay + ": " + workload.path("kind").asText() + " " + nameOf(workload) + ", container " + spec.path("name").asText();
        }

        JsonNode podSpec() {
            return workload.path("spec").path("template").path("spec");
        }

        String image() {
            return spec.path("image").asText();
        }

        /** A pod for people to exec into (kubectl exec ... kdstream ...), not a service. */
        boolean isToolbox() {
            return workload.path("spec").path("template").path("metadata").path("labels").path("app.kubernetes.io/component").asText().equals("toolbox");
        }

        Optional<String> kdstreamTarget() {
            String image = image();
            if (!image.startsWith(ComposeFile.KDSTREAM_IMAGE)) {
                return Optional.empty();
            }
            int tag = image.indexOf(':');
            return Optional.of(image.substring(ComposeFile.KDSTREAM_IMAGE.length(), tag < 0 ? image.length() : tag));
        }

        /**
         * The environment as the kubelet builds it when optional Secrets are absent: envFrom ConfigMaps first, then
         * env entries (literals; a required secretKeyRef as "secret:NAME/KEY"; resourceFieldRef as "1").
         */
        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            for (JsonNode from : spec.path("envFrom")) {
                String configMap = from.path("configMapRef").path("name").asText();
                get("ConfigMap", configMap).path("data").fields().forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
            }
            for (JsonNode variable : spec.path("env")) {
                JsonNode source = variable.path("valueFrom");
                if (variable.has("value")) {
                    env.put(variable.path("name").asText(), expand(variable.path("value").asText(), env));
                } else if (source.has("secretKeyRef") && !source.path("secretKeyRef").path("optional").asBoolean(false)) {
                    env.put(variable.path("name").asText(), "secret:" + source.path("secretKeyRef").path("name").asText() + "/"
                            + source.path("secretKeyRef").path("key").asText());
                } else if (source.has("resourceFieldRef")) {
                    env.put(variable.path("name").asText(), "1");
                }
            }
            return env;
        }

        /** env entries that come from Secrets: variable -> secretKeyRef. */
        Map<String, JsonNode> secretVariables() {
            Map<String, JsonNode> secrets = new LinkedHashMap<>();
            for (JsonNode variable : spec.path("env")) {
                if (variable.path("valueFrom").has("secretKeyRef")) {
                    secrets.put(variable.path("name").asText(), variable.path("valueFrom").path("secretKeyRef"));
                }
            }
            return secrets;
        }

        /** ENTRYPOINT/CMD of the image, replaced by command/args as Kubernetes does, with $(VAR) expanded. */
        List<String> argv() {
            Dockerfile.Stage image = DockerImagesTest.target(kdstreamTarget().orElseThrow());
            List<String> argv = new ArrayList<>(spec.has("command") ? ComposeFile.strings(spec.get("command")) : image.entrypoint());
            if (spec.has("args")) {
                argv.addAll(ComposeFile.strings(spec.get("args")));
            } else if (!spec.has("command")) {
                argv.addAll(image.cmd());
            }
            Map<String, String> env = environment();
            return argv.stream().map(arg -> expand(arg, env)).toList();
        }

        /** mountPath -> the pod volume mounted there. */
        Map<String, JsonNode> mounts() {
            Map<String, JsonNode> mounts = new LinkedHashMap<>();
            for (JsonNode mount : spec.path("volumeMounts")) {
                String volume = mount.path("name").asText();
                for (JsonNode candidate : podSpec().path("volumes")) {
                    if (candidate.path("name").asText().equals(volume)) {
                        mounts.put(mount.path("mountPath").asText(), candidate);
                    }
                }
            }
            return mounts;
        }

        /** The mount path and pod volume under which FILE lies. */
        Map.Entry<String, JsonNode> mountHolding(java.nio.file.Path file) {
            return mounts().entrySet().stream().filter(mount -> file.startsWith(mount.getKey())).findFirst()
                    .orElseThrow(() -> new AssertionError(where() + " mounts no volume holding " + file));
        }

        int containerPort(JsonNode port) {
            if (port.isInt()) {
                return port.asInt();
            }
            for (JsonNode declared : spec.path("ports")) {
                if (declared.path("name").asText().equals(port.asText())) {
                    return declared.path("containerPort").asInt();
                }
            }
            throw new AssertionError(where() + " has no port named " + port.asText());
        }
    }

    private static String expand(String text, Map<String, String> env) {
        Matcher reference = VARIABLE_REFERENCE.matcher(text);
        return reference.replaceAll(match -> Matcher.quoteReplacement(env.getOrDefault(match.group(1), match.group())));
    }
}
