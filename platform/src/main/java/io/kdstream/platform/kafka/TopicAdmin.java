package io.kdstream.platform.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the topics a service needs if they are missing; existing topics are left as they are. */
public final class TopicAdmin {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    public static void ensureTopics(Map<String, Object> clientProperties, Collection<TopicSpec> specs) {
        Map<String, Object> adminProperties = new HashMap<>(clientProperties);
        // calls give up when ensureTopics stops waiting for them, so that closing the client does not wait longer
        adminProperties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(adminProperties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = specs.stream()
                    .filter(spec -> !existing.contains(spec.name()))
                    .map(TopicSpec::toNewTopic)
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    log.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        KafkaAccess.refusal(e, clientProperties, "create", "topic " + entry.getKey()).ifPresent(refused -> {
                            throw refused;
                        });
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            KafkaAccess.refusal(e, clientProperties, "list", "the cluster's topics").ifPresent(refused -> {
                throw refused;
            });
            throw new IllegalStateException("cannot reach the Kafka cluster at " + clientProperties.get("bootstrap.servers")
                    + " to create topics, " + KafkaAccess.connectingAs(clientProperties) + ": " + e.getMessage(), e);
        }
    }
}
