package io.kdstream.platform.kafka;

import org.apache.kafka.clients.admin.NewTopic;

import java.util.Map;
import java.util.Optional;

/** What a topic must look like when kdstream creates it: name, partitions and topic-level configs. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    public TopicSpec {
        configs = Map.copyOf(configs);
    }

    /** Replication comes from the cluster's default.replication.factor, so one spec serves one node and many. */
    public NewTopic toNewTopic() {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }
}
