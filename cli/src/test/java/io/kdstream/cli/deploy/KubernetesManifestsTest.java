package io.kdstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.trainer.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes overlays (k8s/overlays/cpu and gpu, rendered by kustomize) against the code: the topic catalogue,
 * the images, the CLI, the configuration classes, the status server's endpoints, and against each other (Secrets,
 * volumes, KEDA's consumer group).
 */
class KubernetesManifestsTest {

    private static final String REGISTRY_IMAGE = "apicurio/apicurio-registry:";

    @Test
    void everyManifestFileIsYamlThatKubernetesOrKustomizeCanRead() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Repository.path("k8s"))) {
            files = walk.filter(path -> path.toString().endsWith(".yaml") && !path.toString().contains("node_modules")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            List<JsonNode> documents = Yaml.documents(file);
            assertThat(documents).as(file.toString()).isNotEmpty();
            for (JsonNode document : documents) {
                // an object with a kind, or a JSON 6902 patch (a list of operations)
                if (document.isArray()) {
                    document.forEach(operation -> assertThat(operation.has("op") && operation.has("path")).as(file.toString()).isTrue());
                } else {
                    assertThat(document.path("kind").asText()).as(file.toString()).isNotBlank();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void topicsAreTheCataloguesWithRoomForTeacherWorkersToScaleOut(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        Map<String, JsonNode> topics = manifests.ofKind("KafkaTopic").stream()
                .collect(Collectors.toMap(topic -> topic.path("spec").path("topicName").asText(), topic -> topic));
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(TopicCatalogue.ALL.stream().map(TopicSpec::name).toList());
        for (TopicSpec spec : TopicCatalogue.ALL) {
            JsonNode topic = topics.get(spec.name());
            Map<String, String> configs = new HashMap<>();
            topic.path("spec").path("config").fields().forEachRemaining(entry -> configs.put(entry.getKey(), entry.getValue().asText()));
            assertThat(configs).as(spec.name()).isEqualTo(spec.configs());
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(kafkaName(manifests));
            int partitions = topic.path("spec").path("partitions").asInt();
            if (spec.equals(TopicCatalogue.TEACHER_REQUESTS)) {
                assertThat(partitions).as(spec.name() + ": bounds the teacher worker group").isGreaterThanOrEqualTo(spec.partitions());
            } else {
                assertThat(partitions).as(spec.name()).isEqualTo(spec.partitions());
            }
        }
        // the cache router keeps one store fed by kd.prompts and by the logit cache re-keyed with its partition count
        assertThat(topics.get(TopicCatalogue.PROMPTS.name()).path("spec").path("partitions").asInt())
                .isEqualTo(topics.get(TopicCatalogue.TEACHER_LOGITS.name()).path("spec").path("partitions").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyImageIsAProjectImageAtTheProjectVersionOrTheRegistryAtItsVersion(String overlay) {
        for (Manifests.Container container : Manifests.overlay(overlay).containers()) {
            if (container.image().startsWith(REGISTRY_IMAGE)) {
                assertThat(container.image()).isEqualTo(REGISTRY_IMAGE + Repository.property("apicurio.version"));
            } else {
                assertThat(DockerImagesTest.SERVICE_IMAGES).as(container.where()).containsKey(container.kdstreamTarget().orElse("?"));
                assertThat(container.image()).as(container.where()).endsWith(":" + Repository.projectVersion());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void teacherWorkersGetTheGpuImageAndAGpuInTheGpuOverlayOnly(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        boolean gpu = overlay.equals("gpu");
        List<String> workers = manifests.containersOf(gpu ? "teacher-worker-gpu" : "teacher-worker").stream().map(Manifests.Container::where).toList();
        assertThat(workers).hasSize(1);
        assertThat(manifests.containersOf(gpu ? "teacher-worker" : "teacher-worker-gpu")).isEmpty();
        for (Manifests.Container container : manifests.containers()) {
            int gpus = container.spec.path("resources").path("limits").path("nvidia.com/gpu").asInt(0);
            assertThat(gpus).as(container.where()).isEqualTo(gpu && workers.contains(container.where()) ? 1 : 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyKdstreamContainerRunsTheSubcommandItsImageIsFor(String overlay) {
        for (Manifests.Container container : kdstreamContainers(Manifests.overlay(overlay))) {
            if (container.isToolbox()) {
                continue; // waits for kubectl exec
            }
            List<String> argv = container.argv();
            assertThat(argv).as(container.where() + ": every $(VAR) is defined").noneMatch(arg -> arg.contains("$("));
            assertThat(KdstreamCommand.parse(argv).subcommand()).as(container.where())
                    .isIn(DockerImagesTest.SERVICE_IMAGES.get(container.kdstreamTarget().orElseThrow()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyContainerRunsDjlOfflineAndWithoutTelemetry(String overlay) {
        kdstreamContainers(Manifests.overlay(overlay)).forEach(container -> assertThat(container.environment()).as(container.where())
                .containsEntry("DJL_OFFLINE", "true").containsEntry("OPT_OUT_TRACKING", "true"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyVariableInAContainersEnvironmentIsASettingKdstreamReads(String overlay) {
        kdstreamContainers(Manifests.overlay(overlay)).forEach(container ->
                SettingsCheck.assertEveryVariableIsASettingKdstreamReads(container.where(), container.environment()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void servicesReachKafkaOverTlsWithTheirOwnUserFromSecretsAndNoCredentialIsWrittenDown(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        assertThat(manifests.ofKind("Secret")).as("Secrets are made in the cluster, never committed").isEmpty();
        JsonNode listener = manifests.get("Kafka", kafkaName(manifests)).path("spec").path("kafka").path("listeners").get(0);
        assertThat(listener.path("tls").asBoolean()).isTrue();
        Set<String> users = manifests.ofKind("KafkaUser").stream().map(Manifests::nameOf).collect(Collectors.toSet());
        for (JsonNode configMap : manifests.ofKind("ConfigMap")) {
            configMap.path("data").fieldNames().forEachRemaining(key -> assertThat(isCredential(key)).as(Manifests.nameOf(configMap) + " " + key).isFalse());
        }
        List<Manifests.Container> clients = kafkaClients(manifests);
        assertThat(clients).hasSizeGreaterThanOrEqualTo(5);
        for (Manifests.Container container : clients) {
            container.spec.path("env").forEach(variable ->
                    assertThat(isCredential(variable.path("name").asText()) && variable.has("value")).as(container.where() + " " + variable).isFalse());
            JsonNode jaas = container.secretVariables().get("KAFKA_SASL_JAAS_CONFIG");
            assertThat(jaas).as(container.where() + ": KAFKA_SASL_JAAS_CONFIG from a Secret").isNotNull();
            // the Secret Strimzi's User Operator writes for a KafkaUser of the same name
            assertThat(users).as(container.where()).contains(jaas.path("name").asText());
            assertThat(jaas.path("key").asText()).isEqualTo("sasl.jaas.config");
            Settings settings = SettingsCheck.settings(container.environment());
            assertThat(settings.bootstrapServers()).isEqualTo(kafkaName(manifests) + "-kafka-bootstrap:" + listener.path("port").asInt());
            assertThat(settings.string("security.protocol", "")).isEqualTo("SASL_SSL");
            assertThat(settings.string("sasl.mechanism", "").toLowerCase(Locale.ROOT)).isEqualTo(listener.path("authentication").path("type").asText());
            // the truststore is the cluster CA Secret's certificate, mounted
            Map.Entry<String, JsonNode> ca = container.mountHolding(Path.of(settings.string("ssl.truststore.location", "")));
            assertThat(ca.getValue().path("secret").path("secretName").asText()).isEqualTo(kafkaName(manifests) + "-cluster-ca-cert");
            assertThat(Path.of(ca.getKey()).resolve(ca.getValue().path("secret").path("items").get(0).path("path").asText()))
                    .isEqualTo(Path.of(settings.string("ssl.truststore.location", "")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theRouterAndTheTeacherWorkersServeOneTeacherAndKedaScalesTheWorkersGroup(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        Manifests.Container router = running(manifests, "router");
        Manifests.Container worker = teacherWorker(manifests);
        TeacherWorkerConfig teacher = TeacherWorkerConfig.from(SettingsCheck.settings(worker.environment()));
        TeacherWorkerConfig routerTeacher = TeacherWorkerConfig.from(SettingsCheck.settings(router.environment())
                .with(Map.of("kdstream.teacher.checkpoint", KdstreamCommand.parse(router.argv()).option("--checkpoint"))));
        assertThat(List.of(routerTeacher.checkpoint(), routerTeacher.modelId(), routerTeacher.revision()))
                .isEqualTo(List.of(teacher.checkpoint(), teacher.modelId(), teacher.revision()));
        // both read the checkpoint the teacher-model Job writes, from the same claim
        Manifests.Container trainerOfTeacher = running(manifests, "train-teacher");
        String written = KdstreamCommand.parse(trainerOfTeacher.argv()).option("--out").replaceFirst("\\.partial$", "");
        assertThat(teacher.checkpoint()).hasToString(written);
        for (Manifests.Container reader : List.of(router, worker, trainerOfTeacher)) {
            assertThat(claim(reader.mountHolding(teacher.checkpoint()).getValue())).as(reader.where()).isEqualTo("kdstream-teacher-model");
        }

        JsonNode scaledObject = manifests.ofKind("ScaledObject").get(0);
        JsonNode target = scaledObject.path("spec").path("scaleTargetRef");
        assertThat(target.path("kind").asText()).isEqualTo(worker.workload.path("kind").asText());
        assertThat(target.path("name").asText()).isEqualTo(Manifests.nameOf(worker.workload));
        JsonNode trigger = scaledObject.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        JsonNode metadata = trigger.path("metadata");
        assertThat(metadata.path("consumerGroup").asText()).isEqualTo(teacher.groupId());
        assertThat(metadata.path("topic").asText()).isEqualTo(TopicCatalogue.TEACHER_REQUESTS.name());
        assertThat(metadata.path("allowIdleConsumers").asText()).isEqualTo("false");
        String namespace = scaledObject.path("metadata").path("namespace").asText();
        assertThat(metadata.path("bootstrapServers").asText()).isEqualTo(SettingsCheck.settings(worker.environment()).bootstrapServers()
                .replaceFirst(":", "." + namespace + ".svc:"));
        int partitions = manifests.get("KafkaTopic", "kd-teacher-requests").path("spec").path("partitions").asInt();
        int max = scaledObject.path("spec").path("maxReplicaCount").asInt();
        assertThat(max).as("workers beyond the partitions of " + TopicCatalogue.TEACHER_REQUESTS.name() + " would idle").isBetween(1, partitions);
        assertThat(scaledObject.path("spec").path("minReplicaCount").asInt()).isBetween(0, max);

        // KEDA connects as its own KafkaUser, with the password and CA from their Secrets
        JsonNode auth = manifests.get("TriggerAuthentication", trigger.path("authenticationRef").path("name").asText()).path("spec");
        Map<String, String> parameters = new HashMap<>();
        auth.path("configMapTargetRef").forEach(ref -> parameters.put(ref.path("parameter").asText(),
                manifests.get("ConfigMap", ref.path("name").asText()).path("data").path(ref.path("key").asText()).asText()));
        auth.path("secretTargetRef").forEach(ref -> parameters.put(ref.path("parameter").asText(), ref.path("name").asText() + "/" + ref.path("key").asText()));
        assertThat(parameters).containsEntry("tls", "enable").containsEntry("sasl", "scram_sha512")
                .containsEntry("password", parameters.get("username") + "/password")
                .containsEntry("ca", kafkaName(manifests) + "-cluster-ca-cert/ca.crt");
        assertThat(manifests.find("KafkaUser", parameters.get("username"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void teacherWorkersAreAStatefulSetSoAReplacementKeepsItsInstanceId(String overlay) {
        Manifests.Container worker = teacherWorker(Manifests.overlay(overlay));
        assertThat(worker.workload.path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(worker.workload.path("spec").path("podManagementPolicy").asText()).isEqualTo("Parallel");
        // the instance id is then $HOSTNAME, the pod's stable name
        assertThat(KdstreamCommand.parse(worker.argv()).option("--instance")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theEvaluatorIsAStatefulSetOfOneSoAReplacementKeepsItsInstanceId(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        Manifests.Container evaluator = running(manifests, "evaluator");
        assertThat(evaluator.workload.path("kind").asText()).isEqualTo("StatefulSet");
        // one consumer of kd.checkpoints' single partition; its pod is <name>-0 across restarts
        assertThat(evaluator.workload.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(KdstreamCommand.parse(evaluator.argv()).option("--instance")).isNull();
        // a StatefulSet's pods take their DNS names from a headless Service of that name
        JsonNode service = manifests.get("Service", evaluator.workload.path("spec").path("serviceName").asText());
        assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void probesAndScrapeAnnotationsUseTheStatusServersEndpointsOnItsPort(String overlay) throws Exception {
        Manifests manifests = Manifests.overlay(overlay);
        try (StatusEndpoints status = new StatusEndpoints()) {
            Map<Manifests.Container, String> readinessPaths = new HashMap<>();
            for (Manifests.Container container : kdstreamContainers(manifests)) {
                if (container.isToolbox() || !KdstreamCommand.parse(container.argv()).servesStatus()) {
                    assertThat(container.spec.has("readinessProbe")).as(container.where() + " serves no status to probe").isFalse();
                    continue; // a batch step (producers, teacher training) or the toolbox
                }
                int port = SettingsCheck.settings(container.environment()).integer(ServiceRunner.HTTP_PORT, -1);
                assertThat(SettingsCheck.settings(container.environment()).string(ServiceRunner.HTTP_HOST, ServiceRunner.DEFAULT_HTTP_HOST))
                        .as(container.where() + ": the kubelet probes from outside the container").isEqualTo("0.0.0.0");
                for (String probe : List.of("livenessProbe", "readinessProbe")) {
                    JsonNode httpGet = container.spec.path(probe).path("httpGet");
                    assertThat(httpGet.isMissingNode()).as(container.where() + " " + probe).isFalse();
                    assertThat(container.containerPort(httpGet.path("port"))).as(container.where() + " " + probe + " port").isEqualTo(port);
                }
                // alive before it is ready (a slow start is not a reason to restart)
                assertThat(status.status(container.spec.path("livenessProbe").path("httpGet").path("path").asText())).as(container.where()).isEqualTo(200);
                String readiness = container.spec.path("readinessProbe").path("httpGet").path("path").asText();
                assertThat(status.status(readiness)).as(container.where() + " not ready yet").isEqualTo(503);
                readinessPaths.put(container, readiness);
                JsonNode annotations = container.workload.path("spec").path("template").path("metadata").path("annotations");
                assertThat(annotations.path("prometheus.io/port").asInt()).as(container.where()).isEqualTo(port);
                HttpResponse<String> metrics = status.get(annotations.path("prometheus.io/path").asText());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            }
            assertThat(readinessPaths).isNotEmpty();
            status.open();
            for (Map.Entry<Manifests.Container, String> readiness : readinessPaths.entrySet()) {
                assertThat(status.status(readiness.getValue())).as(readiness.getKey().where() + " once ready").isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyContainerHasCpuAndMemoryRequestsAndLimits(String overlay) {
        for (Manifests.Container container : Manifests.overlay(overlay).containers()) {
            for (String bound : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertThat(container.spec.path("resources").path(bound).path(resource).asText()).as(container.where() + " " + bound + "." + resource).isNotBlank();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void podsRunLockedDownWithWritableVolumesWhereKdstreamWrites(String overlay) {
        for (Manifests.Container container : Manifests.overlay(overlay).containers()) {
            JsonNode pod = container.podSpec();
            // service links would add <SERVICE>_PORT-style variables, and KDSTREAM_*/KAFKA_* variables are settings
            assertThat(pod.path("enableServiceLinks").asBoolean(true)).as(container.where()).isFalse();
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(container.where()).isTrue();
            JsonNode security = container.spec.path("securityContext");
            assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(container.where()).isTrue();
            assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(container.where()).isFalse();
            assertThat(container.mounts()).as(container.where()).containsKey("/tmp");
            container.kdstreamTarget().ifPresent(target -> {
                // libtorch unpacks into DJL's cache on first use, Kafka Streams keeps its state under state.dir
                if (!target.equals("producer") && !target.equals("router")) {
                    String djlCache = DockerImagesTest.target(target).env().get("DJL_CACHE_DIR");
                    assertThat(container.mounts()).as(container.where() + " DJL cache").containsKey(djlCache);
                }
                String stateDir = SettingsCheck.settings(container.environment()).string("state.dir", null);
                if (stateDir != null) {
                    assertThat(container.mounts()).as(container.where() + " state.dir").containsKey(stateDir);
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void disruptionBudgetsGuardTheRouterTheTeacherWorkersAndTheTrainer(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        Set<String> guarded = manifests.ofKind("PodDisruptionBudget").stream().flatMap(budget -> {
            JsonNode selector = budget.path("spec").path("selector").path("matchLabels");
            List<JsonNode> selected = manifests.workloads().stream().filter(workload -> {
                JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
                Set<String> missing = new java.util.HashSet<>();
                selector.fields().forEachRemaining(label -> {
                    if (!labels.path(label.getKey()).asText().equals(label.getValue().asText())) {
                        missing.add(label.getKey());
                    }
                });
                return missing.isEmpty();
            }).toList();
            assertThat(selected).as(Manifests.nameOf(budget) + " selects the pods of one workload").hasSize(1);
            return selected.stream().map(Manifests::nameOf);
        }).collect(Collectors.toSet());
        assertThat(guarded).contains(Stream.of("router", "teacher-worker", "trainer")
                .map(subcommand -> Manifests.nameOf(running(manifests, subcommand).workload)).toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theEvaluatorReadsCheckpointsWhereTheTrainerWritesThem(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        Manifests.Container trainer = running(manifests, "trainer");
        Path checkpoints = TrainerConfig.from(SettingsCheck.settings(trainer.environment())).checkpointDir();
        Map.Entry<String, JsonNode> written = trainer.mountHolding(checkpoints);
        String claim = claim(written.getValue());
        assertThat(claim).isNotBlank();
        // announced URIs are absolute file paths: same claim, same mount path
        Map.Entry<String, JsonNode> read = running(manifests, "evaluator").mountHolding(checkpoints);
        assertThat(read.getKey()).isEqualTo(written.getKey());
        assertThat(claim(read.getValue())).isEqualTo(claim);
        // the trainer and the evaluator may run on different nodes
        assertThat(manifests.get("PersistentVolumeClaim", claim).path("spec").path("accessModes").toString()).contains("ReadWriteMany");
    }

    private static List<Manifests.Container> kdstreamContainers(Manifests manifests) {
        return manifests.containers().stream().filter(container -> container.kdstreamTarget().isPresent()).toList();
    }

    private static List<Manifests.Container> kafkaClients(Manifests manifests) {
        return kdstreamContainers(manifests).stream().filter(container -> container.environment().containsKey("KAFKA_BOOTSTRAP_SERVERS")).toList();
    }

    /** The (one) container that runs this kdstream subcommand. */
    private static Manifests.Container running(Manifests manifests, String subcommand) {
        List<Manifests.Container> running = kdstreamContainers(manifests).stream()
                .filter(container -> !container.isToolbox() && KdstreamCommand.parse(container.argv()).subcommand().equals(subcommand)).toList();
        assertThat(running).as(manifests.name() + ": containers running kdstream " + subcommand).hasSize(1);
        return running.get(0);
    }

    private static Manifests.Container teacherWorker(Manifests manifests) {
        return running(manifests, "teacher-worker");
    }

    private static String kafkaName(Manifests manifests) {
        return Manifests.nameOf(manifests.ofKind("Kafka").get(0));
    }

    private static String claim(JsonNode volume) {
        return volume.path("persistentVolumeClaim").path("claimName").asText();
    }

    private static boolean isCredential(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("jaas") || lower.contains("secret") || lower.contains("token");
    }
}
