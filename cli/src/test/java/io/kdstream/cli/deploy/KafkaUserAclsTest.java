package io.kdstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.cli.security.ServiceAccounts;
import io.kdstream.platform.kafka.ServiceUser;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes users (Strimzi {@code KafkaUser}s, simple authorization) are allowed what the secured embedded
 * platform allows the same users ({@link ServiceAccounts}): one list of what each service may do, written twice.
 */
class KafkaUserAclsTest {

    /** KEDA's scaler is no kdstream service: it exists in the cluster only. */
    private static final Set<String> CLUSTER_ONLY = Set.of("kdstream-keda");

    @Test
    void theKafkaUsersAclsAreTheEmbeddedPlatformsUsersAcls() throws Exception {
        Map<String, Set<AclBinding>> cluster = new TreeMap<>();
        for (JsonNode document : Yaml.documents(Files.readString(Repository.path("k8s/base/users.yaml")))) {
            if (document.path("kind").asText().equals("KafkaUser")) {
                String name = document.path("metadata").path("name").asText();
                assertThat(document.path("spec").path("authorization").path("type").asText()).as(name).isEqualTo("simple");
                cluster.put(name, acls(name, document.path("spec").path("authorization").path("acls")));
            }
        }
        Map<String, Set<AclBinding>> embedded = ServiceAccounts.USERS.stream()
                .collect(Collectors.toMap(ServiceUser::name, user -> Set.copyOf(user.acls()), (a, b) -> a, TreeMap::new));

        CLUSTER_ONLY.forEach(cluster::remove);
        assertThat(cluster.keySet()).isEqualTo(embedded.keySet());
        embedded.forEach((user, acls) -> assertThat(cluster.get(user)).as(user).containsExactlyInAnyOrderElementsOf(acls));
    }

    /** Strimzi's simple ACLs as Kafka's bindings: literal unless a prefix, from any host, allowed unless denied. */
    private static Set<AclBinding> acls(String user, JsonNode rules) {
        Set<AclBinding> acls = new HashSet<>();
        for (JsonNode rule : rules) {
            JsonNode resource = rule.path("resource");
            ResourcePattern pattern = new ResourcePattern(RESOURCE_TYPES.get(resource.path("type").asText()), resource.path("name").asText(),
                    resource.path("patternType").asText("literal").equals("prefix") ? PatternType.PREFIXED : PatternType.LITERAL);
            AclPermissionType permission = rule.path("type").asText("allow").equals("deny") ? AclPermissionType.DENY : AclPermissionType.ALLOW;
            for (JsonNode operation : rule.path("operations")) {
                acls.add(new AclBinding(pattern, new AccessControlEntry(ServiceUser.principal(user), rule.path("host").asText("*"),
                        operation(operation.asText()), permission)));
            }
        }
        return acls;
    }

    private static final Map<String, ResourceType> RESOURCE_TYPES = Map.of(
            "topic", ResourceType.TOPIC, "group", ResourceType.GROUP, "transactionalId", ResourceType.TRANSACTIONAL_ID,
            "cluster", ResourceType.CLUSTER);

    /** Strimzi writes operations in CamelCase (IdempotentWrite, DescribeConfigs); Kafka's names are upper snake case. */
    private static AclOperation operation(String strimzi) {
        return AclOperation.fromString(strimzi.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }
}
