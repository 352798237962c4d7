package io.kdstream.cli.deploy;

import io.kdstream.cli.Kdstream;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** docker/Dockerfile: one image per service, built with Maven, run on a JRE as a non-root user. */
class DockerImagesTest {

    private static final Dockerfile DOCKERFILE = Dockerfile.read(Repository.path("docker/Dockerfile"));

    /** Which kdstream subcommands each service image is for (the intent the Dockerfile must meet). */
    static final Map<String, Set<String>> SERVICE_IMAGES = Map.of(
            "producer", Set.of("produce", "generate"),
            "router", Set.of("router"),
            "teacher-worker", Set.of("teacher-worker"),
            "teacher-worker-gpu", Set.of("teacher-worker"),
            "trainer", Set.of("trainer", "train-teacher"),
            "evaluator", Set.of("evaluator"));

    static Dockerfile.Stage target(String name) {
        return DOCKERFILE.stage(name).orElseThrow(() -> new AssertionError("docker/Dockerfile has no target " + name));
    }

    @Test
    void everyServiceImageRunsItsOwnKdstreamSubcommandByDefault() {
        SERVICE_IMAGES.forEach((image, subcommands) ->
                assertThat(KdstreamCommand.parse(target(image).argv()).subcommand()).as(image).isIn(subcommands));
    }

    @Test
    void everyServiceImageRunsAsANonRootUser() {
        SERVICE_IMAGES.keySet().forEach(image -> {
            String user = target(image).user();
            assertThat(user).as(image).isNotNull().doesNotStartWith("0").doesNotStartWith("root");
            // numeric, so that Kubernetes' runAsNonRoot can verify it
            assertThat(user).as(image).matches("[1-9][0-9]*(:[0-9]+)?");
        });
    }

    @Test
    void imagesAreBuiltWithMavenAndRunOnAJre() {
        Dockerfile.Stage build = target("build");
        assertThat(build.base()).startsWith("maven:");
        assertThat(build.runs()).anyMatch(run -> run.contains("mvn ") && run.contains("package"));
        assertThat(target("runtime").base()).contains("-jre");
        SERVICE_IMAGES.keySet().stream().filter(image -> !image.endsWith("-gpu"))
                .forEach(image -> assertThat(target(image).base()).as(image).isEqualTo("runtime"));
        // the GPU image starts from CUDA and takes its Java runtime from the JRE image
        Dockerfile.Stage gpu = target("teacher-worker-gpu");
        assertThat(gpu.base()).startsWith("nvidia/cuda:");
        assertThat(gpu.copies()).anyMatch(copy -> copy.startsWith("--from=jre ") && copy.contains("/opt/java/openjdk"));
        assertThat(target("jre").base()).isEqualTo(target("runtime").base());
    }

    @Test
    void imagesHoldTheCliRuntimeClasspathAlone() {
        // cli's build bans the Kafka broker and the schema registry from that classpath (its enforcer rule); the
        // modules that bring them (cli-embedded, bench) stay out of the images
        assertThat(target("build").runs()).anyMatch(run -> run.contains(" -pl cli -am ") && run.contains("-DincludeScope=runtime"))
                .noneMatch(run -> run.contains("cli-embedded") || run.contains("bench"));
    }

    @Test
    void theGpuImageReplacesTheCpuNativesWithCudaOnesAndNeverDownloadsAtRunTime() {
        assertThat(target("gpu-natives").runs()).anyMatch(run -> run.contains("rm -f /out/lib/pytorch-native-cpu-"));
        Dockerfile.Stage gpu = target("teacher-worker-gpu");
        assertThat(gpu.copies()).anyMatch(copy -> copy.startsWith("--from=gpu-natives /out/lib/"));
        assertThat(gpu.env()).containsEntry("DJL_OFFLINE", "true").containsKey("PYTORCH_FLAVOR").containsKey("ENGINE_CACHE_DIR");
    }

    @Test
    void everyImageRunsDjlOfflineAndWithoutTelemetry() {
        SERVICE_IMAGES.keySet().forEach(image -> assertThat(target(image).env()).as(image)
                .containsEntry("DJL_OFFLINE", "true").containsEntry("OPT_OUT_TRACKING", "true"));
    }

    @Test
    void theLauncherRunsTheCliMainClassOnTheLibrariesTheImageHolds() throws Exception {
        String launcher = Files.readString(Repository.path("docker/bin/kdstream"));
        assertThat(launcher).contains(Kdstream.class.getName()).contains("-cp \"/opt/kdstream/lib/*\"");
        assertThat(target("runtime").copies()).contains("--from=build /out/lib/ /opt/kdstream/lib/");
        assertThat(Files.isExecutable(Repository.path("docker/bin/kdstream"))).isTrue();
    }

    @Test
    void serviceImagesServeStatusOnThePortTheyExpose() {
        SERVICE_IMAGES.keySet().forEach(image -> {
            Dockerfile.Stage stage = target(image);
            Settings settings = Settings.load(null, stage.env(), Map.of());
            int port = settings.integer(ServiceRunner.HTTP_PORT, -1);
            assertThat(port).as(image + ": kdstream.http.port from the image's environment").isPositive();
            // the default, loopback, cannot be reached through the exposed port
            assertThat(settings.string(ServiceRunner.HTTP_HOST, ServiceRunner.DEFAULT_HTTP_HOST)).as(image + ": kdstream.http.host").isEqualTo("0.0.0.0");
            assertThat(stage.exposed()).as(image).contains(Integer.toString(port));
        });
    }

    @Test
    void theImageHealthcheckPassesOnlyOnceTheServiceIsReady() throws Exception {
        List<String> healthcheck = target("router").healthcheck();
        assertThat(healthcheck).isNotEmpty();
        assertThat(SERVICE_IMAGES.keySet()).allSatisfy(image -> {
            Dockerfile.Stage stage = target(image);
            assertThat(stage.healthcheckNone() || stage.healthcheck().equals(healthcheck)).as(image).isTrue();
        });
        // an image whose default command serves no status (a batch job) has no health check to fail
        SERVICE_IMAGES.keySet().forEach(image ->
                assertThat(target(image).healthcheckNone()).as(image).isEqualTo(!KdstreamCommand.parse(target(image).argv()).servesStatus()));
        Path script = Repository.path("docker/bin/" + healthcheck.get(0));
        try (StatusEndpoints status = new StatusEndpoints()) {
            assertThat(run(script, healthcheck.subList(1, healthcheck.size()), status.port())).as("before the service is ready").isNotZero();
            status.open();
            assertThat(run(script, healthcheck.subList(1, healthcheck.size()), status.port())).as("once it is ready").isZero();
        }
    }

    private static int run(Path script, List<String> args, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(script.toString());
        builder.command().addAll(args);
        builder.environment().put("KDSTREAM_HTTP_PORT", Integer.toString(port));
        Process process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
