package io.kdstream.platform.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says who was refused what, when a Kafka cluster refuses a client: Kafka's own errors name neither the principal
 * nor the operation ("Not authorized to access topics: [kd.checkpoints]"). Refusals are not retried by the clients
 * (they are not transient), so kdstream reports them once and stops.
 */
public final class KafkaAccess {

    private static final Pattern JAAS_USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    private KafkaAccess() {
    }

    /** A refusal of the cluster. */
    public static final class RefusedException extends IllegalStateException {
        RefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The refusal in {@code error}'s causes, described, or empty when {@code error} is no refusal.
     *
     * @param operation what the client was doing, as ACLs name it ({@code write}, {@code read}, {@code describe})
     * @param resource what it was doing it to ({@code topic kd.checkpoints})
     */
    public static Optional<RefusedException> refusal(Throwable error, Map<String, ?> clientProperties, String operation, String resource) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException) {
                return Optional.of(new RefusedException("the Kafka cluster at " + clientProperties.get("bootstrap.servers")
                        + " refused the credentials of " + principal(clientProperties) + " (" + mechanism(clientProperties)
                        + "): " + cause.getMessage(), cause));
            }
            if (cause instanceof AuthorizationException) {
                return Optional.of(new RefusedException(principal(clientProperties) + " may not " + operation + " " + resource
                        + ": the Kafka cluster at " + clientProperties.get("bootstrap.servers") + " refused it ("
                        + cause.getClass().getSimpleName() + ": " + cause.getMessage() + "); its ACLs do not allow it", cause));
            }
        }
        return Optional.empty();
    }

    /**
     * The refusal of a read in {@code error}'s causes, described: a consumer refused a topic or its group. Kafka's own
     * message names the topic or group but not who asked nor what for. Empty for any other error (a refused transactional
     * id, say, which no read asks for), and for a refusal
     * already described: kdstream describes a refused write where the write is made ({@link #refusal}), so a refusal
     * that reaches a service's loop undescribed was met reading (Kafka's errors carry no stack to tell it by).
     */
    public static Optional<RefusedException> readRefusal(Throwable error, Map<String, ?> clientProperties) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RefusedException) {
                return Optional.empty();
            }
            if (cause instanceof TopicAuthorizationException || cause instanceof GroupAuthorizationException) {
                return refusal(cause, clientProperties, "read", resource((AuthorizationException) cause));
            }
        }
        return Optional.empty();
    }

    /**
     * The refusal in a Kafka Streams application's failure, described. Streams reads, writes and manages its topics
     * through clients of its own (its internal topics it creates at the first rebalance), and a refusal reaches the
     * application without saying which client met it: a refused group is a read (joining it), a refused topic is told
     * as "read, write or create".
     */
    public static Optional<RefusedException> streamsRefusal(Throwable error, Map<String, ?> clientProperties) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RefusedException) {
                return Optional.empty();
            }
            if (cause instanceof AuthenticationException) {
                return refusal(cause, clientProperties, "connect", "");
            }
            if (cause instanceof AuthorizationException refused) {
                return refusal(cause, clientProperties, refused instanceof GroupAuthorizationException ? "read" : "read, write or create",
                        resource(refused));
            }
        }
        return Optional.empty();
    }

    /** What an authorization error says was refused, as a resource: the topics or group it names. */
    public static String resource(AuthorizationException refused) {
        if (refused instanceof TopicAuthorizationException topics && !topics.unauthorizedTopics().isEmpty()) {
            return "topic " + String.join(", ", new TreeSet<>(topics.unauthorizedTopics()));
        }
        if (refused instanceof GroupAuthorizationException group && group.groupId() != null) {
            return "consumer group " + group.groupId();
        }
        if (refused instanceof TransactionalIdAuthorizationException) {
            return "its transactional id";
        }
        return "what it asked for";
    }

    /**
     * Who a client connects as and how, for an error when the cluster does not answer: a client without TLS or SASL
     * that meets a listener requiring them is dropped without a word, and keeps trying until its timeout.
     */
    public static String connectingAs(Map<String, ?> clientProperties) {
        Object configured = clientProperties.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        String protocol = configured == null ? "PLAINTEXT" : String.valueOf(configured).toUpperCase(java.util.Locale.ROOT);
        String as = "connecting as " + principal(clientProperties) + " over " + protocol;
        return protocol.startsWith("SASL_") ? as : as + " (a cluster that requires SASL closes such connections unanswered:"
                + " set security.protocol, sasl.mechanism and sasl.jaas.config)";
    }

    /** The principal a client authenticates as: {@code User:<name>} from its SASL login, else anonymous. */
    static String principal(Map<String, ?> clientProperties) {
        Object jaas = clientProperties.get(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas != null) {
            Matcher user = JAAS_USERNAME.matcher(String.valueOf(jaas));
            if (user.find()) {
                return "User:" + user.group(1);
            }
        }
        return "User:ANONYMOUS (no SASL login configured)";
    }

    private static String mechanism(Map<String, ?> clientProperties) {
        Object mechanism = clientProperties.get(SaslConfigs.SASL_MECHANISM);
        return mechanism == null ? "SASL mechanism unset" : String.valueOf(mechanism);
    }
}
