package io.kdstream.schemas.topics;

import io.kdstream.platform.kafka.TopicSpec;
import org.apache.kafka.common.serialization.Serde;

/** A topic as code sees it: its spec and the serdes of its keys and values. */
public record Topic<K, V>(TopicSpec spec, Serde<K> keySerde, Serde<V> valueSerde) {

    public String name() {
        return spec.name();
    }
}
