package io.kdstream.platform.service;

import io.kdstream.platform.config.KdstreamHome;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsServiceTest {

    @Test
    void shouldKeepStreamsStateUnderTheKdstreamHomeUnlessAStateDirIsSet() {
        assertThat(StreamsService.withDefaults(Map.of("application.id", "app")))
                .containsEntry("state.dir", KdstreamHome.path().resolve("streams").toString())
                .containsEntry("application.id", "app");
        assertThat(StreamsService.withDefaults(Map.of("state.dir", "/var/lib/kdstream/streams")))
                .containsEntry("state.dir", "/var/lib/kdstream/streams");
    }

    @Test
    void shouldBoundRocksDbsMemoryUnlessAnotherConfigSetterIsNamed() {
        assertThat(StreamsService.withDefaults(Map.of("application.id", "app")))
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        assertThat(StreamsService.withDefaults(Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Tuned")))
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Tuned");
    }

    /** RocksDB opens stores with the bounded options and they read back what was written. */
    @Test
    void shouldRunPersistentStoresUnderTheBoundedOptions(@TempDir Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table("words", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("words-store"));
        Properties properties = new Properties();
        properties.putAll(StreamsService.withDefaults(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-rocksdb",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092", StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), properties)) {
            TestInputTopic<String, String> words = driver.createInputTopic("words", Serdes.String().serializer(), Serdes.String().serializer());
            for (int i = 0; i < 1000; i++) {
                words.pipeInput("k" + i, "v" + i);
            }
            KeyValueStore<String, String> store = driver.getKeyValueStore("words-store");

            assertThat(store.get("k0")).isEqualTo("v0");
            assertThat(store.get("k999")).isEqualTo("v999");
            assertThat(store.approximateNumEntries()).isPositive();
        }
    }
}
