package io.kdstream.cli.deploy;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.leaderboard.LeaderboardConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.schemas.serde.AvroDeserializer;
import io.kdstream.schemas.serde.AvroSerdes;
import io.kdstream.schemas.serde.AvroSerializer;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.trainer.TrainerConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The settings kdstream's code reads, taken from the code itself so that a deployment file cannot name a setting
 * that no service reads: the {@code kdstream.*} keys are the string constants in the compiled configuration classes
 * (their class files' constant pools), and the other keys are Kafka's own client configuration names plus the
 * schema registry's.
 */
final class ConfigKeys {

    /** Every class that reads {@code kdstream.*} settings for a service or the status server. */
    private static final Class<?>[] CONFIG_CLASSES = {TeacherWorkerConfig.class, CacheRouterConfig.class, TrainerConfig.class,
            EvaluatorConfig.class, LeaderboardConfig.class, PromptProducerConfig.class, ServiceRunner.class, AvroSerdes.class};

    private static final Pattern KEY = Pattern.compile("kdstream(\\.[a-z0-9]+)+");
    /** A property name among a serde's constants (Confluent's names: schema.registry.url, auto.register.schemas...). */
    private static final Pattern SERDE_KEY = Pattern.compile("[a-z]+(\\.[a-z]+)+");

    private ConfigKeys() {
    }

    static Set<String> kdstreamKeys() {
        Set<String> keys = new TreeSet<>();
        for (Class<?> type : CONFIG_CLASSES) {
            for (String constant : stringConstants(type)) {
                if (KEY.matcher(constant).matches()) {
                    keys.add(constant);
                }
            }
        }
        return keys;
    }

    /** What a Kafka client, admin or Kafka Streams accepts, and the registry URL kdstream's serdes read. */
    static Set<String> clientKeys() {
        Set<String> keys = new TreeSet<>();
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        keys.addAll(StreamsConfig.configDef().names());
        keys.add(Settings.SCHEMA_REGISTRY_URL);
        for (Class<?> serde : List.of(AvroSerializer.class, AvroDeserializer.class)) {
            stringConstants(serde).stream().filter(constant -> SERDE_KEY.matcher(constant).matches()).forEach(keys::add);
        }
        return keys;
    }

    /** The CONSTANT_Utf8 entries of a class file: every string literal the class uses is among them. */
    static Set<String> stringConstants(Class<?> type) {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream stream = type.getResourceAsStream(resource)) {
            if (stream == null) {
                throw new IllegalStateException("no class file " + resource);
            }
            DataInputStream in = new DataInputStream(stream);
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalStateException(resource + " is not a class file");
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            Set<String> strings = new TreeSet<>();
            for (int index = 1; index < count; index++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> strings.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        index++; // longs and doubles take two entries
                    }
                    default -> throw new IllegalStateException(resource + ": unknown constant pool tag " + tag);
                }
            }
            return strings;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
