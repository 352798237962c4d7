package io.kdstream.teacher.testing;

import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The teacher request topic as worker tests use it: a worker group that starts at its end, then the test's prompts. */
public final class RequestTopic {

    private RequestTopic() {
    }

    /** Points {@code groupId} at the request topic's current end, so that its worker scores only what is sent next. */
    public static void startGroupAtEnd(Map<String, Object> client, String groupId) throws Exception {
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        String topic = TopicCatalogue.TEACHER_REQUESTS.name();
        try (Admin admin = Admin.create(client)) {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .collect(Collectors.toMap(info -> new TopicPartition(topic, info.partition()), info -> OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(groupId, ends).all().get();
        }
    }

    /** Sends the prompts to partition 0, in order: a worker scores them in this order. */
    public static void send(Map<String, Object> client, List<Prompt> prompts) throws Exception {
        TopicCatalogue catalogue = new TopicCatalogue(client);
        String topic = TopicCatalogue.TEACHER_REQUESTS.name();
        try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, catalogue.teacherRequests(), "teacher-test")) {
            for (Prompt prompt : prompts) {
                producer.send(new ProducerRecord<>(topic, 0, prompt.getId(), prompt)).get();
            }
        }
    }
}
