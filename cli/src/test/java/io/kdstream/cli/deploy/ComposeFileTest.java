package io.kdstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.trainer.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** docker/docker-compose.yml (and its GPU override) against the images, the topic catalogue and the config classes. */
class ComposeFileTest {

    private static final ComposeFile COMPOSE = ComposeFile.read("docker/docker-compose.yml");

    private static List<String> kdstreamServices() {
        return COMPOSE.services().keySet().stream().filter(name -> COMPOSE.kdstreamTarget(name).isPresent()).toList();
    }

    private static List<String> servicesOf(String target) {
        return kdstreamServices().stream().filter(name -> COMPOSE.kdstreamTarget(name).orElseThrow().equals(target)).toList();
    }

    private static Settings settings(String service) {
        return SettingsCheck.settings(COMPOSE.environment(service));
    }

    @Test
    void brokerAndRegistryAreTheVersionsTheCodeIsBuiltAgainst() {
        String kafka = "apache/kafka:" + Repository.property("kafka.version");
        assertThat(COMPOSE.image("kafka")).isEqualTo(kafka);
        assertThat(COMPOSE.image("topics")).isEqualTo(kafka);
        assertThat(COMPOSE.image("registry")).isEqualTo("apicurio/apicurio-registry:" + Repository.property("apicurio.version"));
        assertThat(COMPOSE.service("registry").path("environment").path("APICURIO_RULES_GLOBAL_COMPATIBILITY").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void theTopicsServiceCreatesTheCataloguesTopicsWithTheirPartitionsAndConfigs() {
        Map<String, TopicSpec> created = new HashMap<>();
        for (String line : COMPOSE.service("topics").path("command").get(0).asText().split("\n")) {
            List<String> words = List.of(line.trim().split("\\s+"));
            int topic = words.indexOf("--topic");
            if (topic < 0) {
                continue;
            }
            Map<String, String> configs = new HashMap<>();
            for (int i = 0; i < words.size() - 1; i++) {
                if (words.get(i).equals("--config")) {
                    String[] pair = words.get(i + 1).split("=", 2);
                    configs.put(pair[0], pair[1]);
                }
            }
            created.put(words.get(topic + 1), new TopicSpec(words.get(topic + 1), Integer.parseInt(words.get(words.indexOf("--partitions") + 1)), configs));
        }
        assertThat(created.values()).containsExactlyInAnyOrderElementsOf(TopicCatalogue.ALL);
    }

    @Test
    void everyKdstreamImageIsBuiltFromItsDockerfileTargetAtTheProjectVersion() {
        assertThat(kdstreamServices()).isNotEmpty();
        for (String service : kdstreamServices()) {
            String target = COMPOSE.kdstreamTarget(service).orElseThrow();
            assertThat(DockerImagesTest.SERVICE_IMAGES).as(service).containsKey(target);
            assertThat(COMPOSE.image(service)).as(service).isEqualTo(ComposeFile.KDSTREAM_IMAGE + target + ":" + Repository.projectVersion());
            // some service builds that image from that target (Compose builds it once, the others reuse it)
            assertThat(COMPOSE.services().values()).as("a build of " + target).anySatisfy(builder -> {
                assertThat(builder.path("build").path("target").asText()).isEqualTo(target);
                assertThat(builder.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
                assertThat(Path.of("docker").resolve(builder.path("build").path("context").asText()).normalize()).isEqualTo(Path.of(""));
            });
        }
    }

    @Test
    void everyKdstreamServiceRunsTheSubcommandItsImageIsFor() {
        for (String service : kdstreamServices()) {
            KdstreamCommand command = KdstreamCommand.parse(COMPOSE.argv(service));
            assertThat(command.subcommand()).as(service).isIn(DockerImagesTest.SERVICE_IMAGES.get(COMPOSE.kdstreamTarget(service).orElseThrow()));
        }
    }

    @Test
    void everyServiceRunsDjlOfflineAndWithoutTelemetry() {
        kdstreamServices().forEach(service -> assertThat(COMPOSE.environment(service)).as(service)
                .containsEntry("DJL_OFFLINE", "true").containsEntry("OPT_OUT_TRACKING", "true"));
    }

    @Test
    void everyVariableInAServicesEnvironmentIsASettingKdstreamReads() {
        kdstreamServices().forEach(service -> SettingsCheck.assertEveryVariableIsASettingKdstreamReads(service, COMPOSE.environment(service)));
    }

    @Test
    void servicesReachTheBrokerAndRegistryOfThisFileAndTheCliDefaultsReachThemFromTheHost() {
        String advertised = COMPOSE.service("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        URI defaultRegistry = URI.create(Settings.LOCAL_DEFAULTS.get(Settings.SCHEMA_REGISTRY_URL));
        for (String service : kdstreamServices().stream().filter(name -> !COMPOSE.environment(name).isEmpty()).toList()) {
            Settings settings = settings(service);
            assertThat(advertised).as(service).contains("://" + settings.bootstrapServers());
            assertThat(settings.bootstrapServers()).as(service).startsWith(COMPOSE.service("kafka").path("hostname").asText() + ":");
            URI registry = URI.create(settings.schemaRegistryUrl());
            assertThat(registry.getHost()).as(service).isEqualTo("registry");
            assertThat(containerPorts("registry")).as(service).containsValue(registry.getPort());
            assertThat(registry.getPath()).as(service).isEqualTo(defaultRegistry.getPath());
        }
        // ./kdstream on the host, with no flags, talks to this stack
        assertThat(advertised).contains("://" + Settings.LOCAL_DEFAULTS.get(Settings.BOOTSTRAP_SERVERS));
        assertThat(containerPorts("kafka")).containsKey(Integer.parseInt(Settings.LOCAL_DEFAULTS.get(Settings.BOOTSTRAP_SERVERS).split(":")[1]));
        assertThat(containerPorts("registry")).containsKey(defaultRegistry.getPort());
    }

    @Test
    void theRouterAndEveryTeacherWorkerServeTheSameTeacherFromTheTrainedCheckpoint() {
        String router = servicesOf("router").get(0);
        KdstreamCommand routerCommand = KdstreamCommand.parse(COMPOSE.argv(router));
        TeacherWorkerConfig routerTeacher = TeacherWorkerConfig.from(settings(router).with(Map.of("kdstream.teacher.checkpoint", routerCommand.option("--checkpoint"))));
        String teacherModel = "teacher-model";
        String trained = KdstreamCommand.parse(COMPOSE.argv(teacherModel)).option("--out").replaceFirst("\\.partial$", "");
        assertThat(routerTeacher.checkpoint()).hasToString(trained);
        for (String worker : servicesOf("teacher-worker")) {
            TeacherWorkerConfig teacher = TeacherWorkerConfig.from(settings(worker));
            // model id, revision and checkpoint make the fingerprint: the router must skip exactly what workers cache
            assertThat(List.of(teacher.checkpoint(), teacher.modelId(), teacher.revision())).as(worker)
                    .isEqualTo(List.of(routerTeacher.checkpoint(), routerTeacher.modelId(), routerTeacher.revision()));
            assertThat(volumeHolding(worker, teacher.checkpoint())).as(worker).isEqualTo(volumeHolding(teacherModel, teacher.checkpoint()));
        }
        assertThat(volumeHolding(router, routerTeacher.checkpoint())).isEqualTo(volumeHolding(teacherModel, routerTeacher.checkpoint()));
    }

    @Test
    void twoTeacherWorkersShareOneGroupUnderStableDistinctInstanceIds() {
        List<String> workers = servicesOf("teacher-worker");
        assertThat(workers).hasSizeGreaterThanOrEqualTo(2);
        // no --instance: a worker's instance id is $HOSTNAME, which Docker sets from the service's hostname
        assertThat(workers).allSatisfy(worker -> assertThat(KdstreamCommand.parse(COMPOSE.argv(worker)).option("--instance")).isNull());
        List<String> hostnames = workers.stream().map(worker -> COMPOSE.service(worker).path("hostname").asText()).toList();
        assertThat(hostnames).doesNotContain("").doesNotHaveDuplicates();
        assertThat(workers.stream().map(worker -> TeacherWorkerConfig.from(settings(worker)).groupId()).collect(Collectors.toSet())).hasSize(1);
    }

    @Test
    void theEvaluatorRunsUnderAStableInstanceId() {
        List<String> evaluators = servicesOf("evaluator");
        assertThat(evaluators).hasSize(1);
        // no --instance: its instance id is $HOSTNAME, which Docker sets from the service's hostname (else the container id)
        assertThat(KdstreamCommand.parse(COMPOSE.argv(evaluators.get(0))).option("--instance")).isNull();
        assertThat(COMPOSE.service(evaluators.get(0)).path("hostname").asText()).isNotBlank();
    }

    @Test
    void theEvaluatorReadsCheckpointsWhereTheTrainerWritesThem() {
        String trainer = servicesOf("trainer").stream().filter(name -> !name.equals("teacher-model")).findFirst().orElseThrow();
        Path checkpoints = TrainerConfig.from(settings(trainer)).checkpointDir();
        String volume = volumeHolding(trainer, checkpoints);
        assertThat(volume).isNotNull();
        for (String evaluator : servicesOf("evaluator")) {
            // announced URIs are absolute file paths: same volume, same mount path
            assertThat(volumeHolding(evaluator, checkpoints)).as(evaluator).isEqualTo(volume);
            assertThat(mountPathOf(evaluator, checkpoints)).isEqualTo(mountPathOf(trainer, checkpoints));
        }
    }

    @Test
    void theGpuOverrideGivesEveryTeacherWorkerTheGpuImageAndOneGpu() {
        ComposeFile gpu = ComposeFile.read("docker/docker-compose.gpu.yml");
        assertThat(gpu.services().keySet()).containsExactlyInAnyOrderElementsOf(servicesOf("teacher-worker"));
        for (String worker : gpu.services().keySet()) {
            assertThat(gpu.image(worker)).isEqualTo(ComposeFile.KDSTREAM_IMAGE + "teacher-worker-gpu:" + Repository.projectVersion());
            assertThat(gpu.service(worker).path("build").path("target").asText()).isEqualTo("teacher-worker-gpu");
            JsonNode device = gpu.service(worker).path("deploy").path("resources").path("reservations").path("devices").get(0);
            assertThat(device.path("driver").asText()).isEqualTo("nvidia");
            assertThat(ComposeFile.strings(device.path("capabilities"))).contains("gpu");
        }
    }

    /** host port -> container port of a service's published ports. */
    private static Map<Integer, Integer> containerPorts(String service) {
        Map<Integer, Integer> ports = new HashMap<>();
        for (JsonNode port : COMPOSE.service(service).path("ports")) {
            String[] parts = port.asText().split(":");
            ports.put(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
        return ports;
    }

    private static String mountPathOf(String service, Path file) {
        List<String> holding = new ArrayList<>(COMPOSE.mounts(service).keySet().stream().filter(mount -> file.startsWith(mount)).toList());
        assertThat(holding).as(service + " mounts a volume holding " + file).hasSize(1);
        return holding.get(0);
    }

    private static String volumeHolding(String service, Path file) {
        return COMPOSE.mounts(service).get(mountPathOf(service, file));
    }
}
