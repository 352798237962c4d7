package io.kdstream.schemas.serde;

import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** kdstream's Avro serde for the Confluent wire format; configured like Confluent's {@code SpecificAvroSerde}. */
public class AvroSerde<T extends GenericContainer> implements Serde<T> {

    private final AvroSerializer<T> serializer = new AvroSerializer<>();
    private final AvroDeserializer<T> deserializer = new AvroDeserializer<>();

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
