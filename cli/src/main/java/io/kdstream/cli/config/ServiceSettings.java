package io.kdstream.cli.config;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.leaderboard.LeaderboardConfig;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.schemas.serde.AvroSerdes;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.serve.TeacherServerConfig;
import io.kdstream.trainer.TrainerConfig;
import org.apache.kafka.common.config.ConfigDef;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Every service's settings definition, under the name {@code kdstream config list SERVICE} takes. */
public final class ServiceSettings {

    /**
     * @param name       the service's name (its {@code kdstream} subcommand where it has one)
     * @param summary    who reads these settings
     * @param definition its keys, with type, default, validator and documentation
     */
    public record Section(String name, String summary, ConfigDef definition) {
    }

    public static final List<Section> SECTIONS = List.of(
            new Section("producer", "kdstream produce and generate --produce (PromptProducerConfig)", PromptProducerConfig.DEFINITION),
            new Section("router", "kdstream router (CacheRouterConfig)", CacheRouterConfig.DEFINITION),
            new Section("teacher-worker", "kdstream teacher-worker (TeacherWorkerConfig)", TeacherWorkerConfig.DEFINITION),
            new Section("serve-teacher", "kdstream serve-teacher (TeacherServerConfig)", TeacherServerConfig.DEFINITION),
            new Section("trainer", "kdstream trainer (TrainerConfig)", TrainerConfig.DEFINITION),
            new Section("evaluator", "kdstream evaluator (EvaluatorConfig)", EvaluatorConfig.DEFINITION),
            new Section("leaderboard", "kdstream leaderboard (LeaderboardConfig)", LeaderboardConfig.DEFINITION),
            new Section("status", "every long-running service's health and metrics endpoints (ServiceRunner)", ServiceRunner.DEFINITION),
            new Section("registry", "every service's schema registry client and Avro serdes (RegistryEndpoint, AvroSerdes)",
                    AvroSerdes.DEFINITION));

    private ServiceSettings() {
    }

    /** The section named {@code name}. */
    public static Section named(String name) {
        return SECTIONS.stream().filter(section -> section.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service '" + name + "'; expected one of "
                        + SECTIONS.stream().map(Section::name).toList()));
    }

    /** Every key any service reads. */
    public static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        SECTIONS.forEach(section -> keys.addAll(section.definition().names()));
        return keys;
    }
}
