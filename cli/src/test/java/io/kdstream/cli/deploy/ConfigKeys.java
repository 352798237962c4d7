package io.kdstream.cli.deploy;

import io.kdstream.cli.config.ServiceSettings;
import io.kdstream.platform.config.Settings;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Set;
import java.util.TreeSet;

/**
 * The settings kdstream's code reads, taken from the services' definitions ({@link ServiceSettings}) so that a
 * deployment file cannot name a setting that no service reads: the {@code kdstream.*} keys are theirs, and the other
 * keys are Kafka's own client configuration names plus the schema registry's and the serdes'.
 */
final class ConfigKeys {

    private ConfigKeys() {
    }

    static Set<String> kdstreamKeys() {
        Set<String> keys = new TreeSet<>();
        ServiceSettings.keys().stream().filter(key -> key.startsWith(Settings.KDSTREAM_PREFIX)).forEach(keys::add);
        return keys;
    }

    /** What a Kafka client, admin or Kafka Streams accepts, and the registry and serde settings kdstream reads. */
    static Set<String> clientKeys() {
        Set<String> keys = new TreeSet<>();
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        keys.addAll(StreamsConfig.configDef().names());
        ServiceSettings.keys().stream().filter(key -> !key.startsWith(Settings.KDSTREAM_PREFIX)).forEach(keys::add);
        return keys;
    }
}
