package io.kdstream.schemas.serde;

import io.kdstream.schemas.registry.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** kdstream's Avro serde for the Confluent wire format; configured like Confluent's {@code SpecificAvroSerde}. */
public class AvroSerde<T extends GenericContainer> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** For Kafka to create by class name; {@link #configure} makes the registry client. */
    public AvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
    }

    /**
     * Shares one registry client (and its caches) with other serdes; reads only records of {@code expected} (any record
     * when null).
     */
    public AvroSerde(SchemaRegistry registry, Schema expected) {
        this.serializer = new AvroSerializer<>(registry, false);
        this.deserializer = new AvroDeserializer<>(registry, expected);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
