package io.kdstream.platform.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a service's consumer group starts on a topic the platform's tests share. The services read from the earliest
 * offset, so a new group meets every record earlier tests left on the topic (hostile ones too) before its own test's.
 */
public final class GroupStart {

    private GroupStart() {
    }

    /** Commits {@code groupId} at {@code topic}'s current end: its members read only what is sent from now on. */
    public static void atEnd(Map<String, Object> client, String groupId, String topic) throws Exception {
        try (Admin admin = Admin.create(client)) {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .collect(Collectors.toMap(info -> new TopicPartition(topic, info.partition()), info -> OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, end -> new OffsetAndMetadata(end.getValue().offset())));
            admin.alterConsumerGroupOffsets(groupId, ends).all().get();
        }
    }
}
