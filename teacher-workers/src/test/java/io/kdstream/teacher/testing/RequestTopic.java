package io.kdstream.teacher.testing;

import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.GroupStart;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;
import java.util.Map;

/** The teacher request topic as worker tests use it: a worker group that starts at its end, then the test's prompts. */
public final class RequestTopic {

    private RequestTopic() {
    }

    /** Points {@code groupId} at the request topic's current end, so that its worker scores only what is sent next. */
    public static void startGroupAtEnd(Map<String, Object> client, String groupId) throws Exception {
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        GroupStart.atEnd(client, groupId, TopicCatalogue.TEACHER_REQUESTS.name());
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
