package io.kdstream.cli.deploy;

import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.producers.PromptProducerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The deployment checks rely on the services' settings definitions: this is what they find. */
class ConfigKeysTest {

    @Test
    void findsTheSettingsTheConfigurationClassesReadAndNothingElse() {
        assertThat(ConfigKeys.kdstreamKeys())
                .contains("kdstream.teacher.checkpoint", "kdstream.teacher.group.id", "kdstream.trainer.checkpoint.dir",
                        "kdstream.router.teacher.fingerprint", "kdstream.evaluator.max.examples", ServiceRunner.HTTP_PORT,
                        PromptProducerConfig.CHARACTERS)
                // meter names share the prefix but are not settings (WorkerMetrics is no configuration class)
                .doesNotContain("kdstream.teacher.sequences")
                .allMatch(key -> key.startsWith("kdstream.") && !key.endsWith("."));
    }

    @Test
    void findsKafkaClientStreamsAndSerdeProperties() {
        assertThat(ConfigKeys.clientKeys())
                .contains("bootstrap.servers", "sasl.jaas.config", "ssl.truststore.location", "state.dir", "num.standby.replicas",
                        "schema.registry.url", "auto.register.schemas", "specific.avro.reader")
                .doesNotContain("port", "kdstream.http.port", "java.lang");
    }
}
