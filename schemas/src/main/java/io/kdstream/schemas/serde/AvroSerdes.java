package io.kdstream.schemas.serde;

import io.kdstream.schemas.registry.RegistryEndpoint;
import io.kdstream.schemas.registry.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

import java.util.Map;

/**
 * Makes the Avro value serdes of the topic catalogue. {@code kdstream.serde.avro.class} swaps in another
 * implementation of {@code Serde} configured by the same properties (for example Confluent's
 * {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}, for users who have Confluent's jars).
 */
public final class AvroSerdes {

    public static final String SERDE_CLASS = "kdstream.serde.avro.class";

    /** The registry's keys and the serdes' own, for {@code kdstream config list} and the deployment checks. */
    public static final ConfigDef DEFINITION = new ConfigDef(RegistryEndpoint.DEFINITION)
            .define(SerdeSettings.AUTO_REGISTER, Type.BOOLEAN, true, Importance.LOW,
                    "whether a producer registers its value schema (normalized) when the registry lacks it")
            .define(SerdeSettings.SPECIFIC_READER, Type.BOOLEAN, true, Importance.LOW,
                    "whether records are read as the generated classes rather than generic records")
            .define(SERDE_CLASS, Type.STRING, null, Importance.LOW, "another Serde class configured by the same properties"
                    + " (e.g. io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde); unset: kdstream's own");

    private AvroSerdes() {
    }

    /**
     * @param registry the client kdstream's own serde uses; another serde class makes its own from the configs
     * @param expected the record the topic holds: kdstream's own serde refuses records of other schemas
     */
    @SuppressWarnings("unchecked")
    public static <T> Serde<T> valueSerde(Map<String, ?> configs, SchemaRegistry registry, Schema expected) {
        Object configured = configs.get(SERDE_CLASS);
        Serde<T> serde;
        if (configured == null || configured.toString().isBlank()) {
            serde = (Serde<T>) new AvroSerde<>(registry, expected);
        } else {
            try {
                serde = (Serde<T>) Class.forName(configured.toString().trim()).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new ConfigException(SERDE_CLASS, configured, "cannot create that serde: " + e);
            }
        }
        serde.configure(configs, false);
        return serde;
    }
}
