package io.kdstream.platform.embedded;

import io.kdstream.platform.kafka.ServiceUser;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * How the secured embedded broker is secured: one SASL_SSL listener for clients, where users log in with
 * SCRAM-SHA-512 over TLS (a certificate authority made at start), KRaft's {@code StandardAuthorizer} with no ACL
 * meaning no access, and {@value #ADMIN} the only super user. The controller listener (loopback, TLS) takes the
 * admin alone, with SASL/PLAIN: KRaft controllers cannot check SCRAM credentials, which live in the metadata they
 * serve. Every password is random, made at start, and appears only in the client properties handed out.
 */
public final class EmbeddedSecurity {

    public static final String ADMIN = "kdstream-admin";
    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String CLIENT_LISTENER = "SASL_SSL";

    private final BrokerCertificates certificates;
    private final Map<String, String> passwords;
    private final List<ServiceUser> users;

    private EmbeddedSecurity(BrokerCertificates certificates, Map<String, String> passwords, List<ServiceUser> users) {
        this.certificates = certificates;
        this.passwords = passwords;
        this.users = users;
    }

    /** Makes the certificates in {@code directory} and a password for the admin and for each user. */
    public static EmbeddedSecurity create(Path directory, List<ServiceUser> users) {
        SecureRandom random = new SecureRandom();
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put(ADMIN, password(random));
        for (ServiceUser user : users) {
            if (passwords.put(user.name(), password(random)) != null) {
                throw new IllegalArgumentException("user " + user.name() + " is given twice (or is the admin)");
            }
        }
        return new EmbeddedSecurity(BrokerCertificates.make(directory, password(random)), passwords, List.copyOf(users));
    }

    /** Letters and digits only: the password goes into JAAS lines and SCRAM arguments unquoted by anything else. */
    private static String password(SecureRandom random) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder password = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    public List<ServiceUser> users() {
        return users;
    }

    public BrokerCertificates certificates() {
        return certificates;
    }

    /** Every user's password (the admin first): the schema registry's basic credentials are the same. */
    Map<String, String> passwords() {
        return Collections.unmodifiableMap(passwords);
    }

    /** The SCRAM credentials written into the metadata when the log directory is formatted (KIP-900). */
    List<String> scramArguments() {
        return passwords.entrySet().stream()
                .map(user -> MECHANISM + "=[name=" + user.getKey() + ",password=" + user.getValue() + "]")
                .toList();
    }

    /** The broker's settings for its listeners, their authentication and the authorizer. */
    void addBrokerSettings(Properties p, String controllerListener) {
        String admin = passwords.get(ADMIN);
        String clients = "listener.name." + CLIENT_LISTENER.toLowerCase() + ".";
        String controller = "listener.name." + controllerListener.toLowerCase() + ".";
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_SSL," + controllerListener + ":SASL_SSL");
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put(clients + "sasl.enabled.mechanisms", MECHANISM);
        p.put(clients + MECHANISM.toLowerCase() + ".sasl.jaas.config", scramJaas(ADMIN, admin));
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put(controller + "sasl.enabled.mechanisms", "PLAIN");
        p.put(controller + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + ADMIN + "\" password=\"" + admin + "\" user_" + ADMIN + "=\"" + admin + "\";");
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, certificates.brokerKeyStore().toString());
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, certificates.keyStorePassword());
        p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, certificates.keyStorePassword());
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.caCertificate().toString());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", ServiceUser.principal(ADMIN));
        p.put("allow.everyone.if.no.acl.found", "false");
    }

    /** What a client of {@code user} sets to reach the broker at {@code bootstrapServers} (the admin included). */
    public Map<String, String> clientProperties(String user, String bootstrapServers) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no user " + user + " on the embedded platform; it has " + passwords.keySet());
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user, password));
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.caCertificate().toString());
        return p;
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
        return "EmbeddedSecurity[users=" + users.stream().map(ServiceUser::name).collect(Collectors.joining(", ")) + "]";
    }
}
