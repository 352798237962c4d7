package io.kdstream.schemas.registry;

import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the schema registry is and how to authenticate to it, read from the settings Confluent's serdes use, so a
 * registry that needs credentials (Confluent Cloud, a secured Karapace) is configured the same way for kdstream:
 * <ul>
 *   <li>{@code basic.auth.credentials.source=USER_INFO} with {@code basic.auth.user.info=USER:PASSWORD} (the source
 *       may be left out when the user info is set);</li>
 *   <li>{@code basic.auth.credentials.source=URL}: the user and password in {@code schema.registry.url} itself
 *       ({@code https://USER:PASSWORD@host/...});</li>
 *   <li>{@code bearer.auth.credentials.source=STATIC_TOKEN} with {@code bearer.auth.token}.</li>
 * </ul>
 * HTTPS works with an {@code https://} URL whose certificate the JVM trusts; a registry whose certificate a private
 * CA signed is trusted with {@code schema.registry.ssl.truststore.location} (and {@code .password}, {@code .type},
 * PKCS12 by default), and a registry that wants a client certificate gets the one in
 * {@code schema.registry.ssl.keystore.location} (with {@code .password}, {@code .type}, {@code schema.registry.ssl.key.password}).
 *
 * @param url the registry's base URL without credentials: the one to name in messages and logs
 * @param authorization the {@code Authorization} header to send, or empty
 * @param ssl the TLS context made of the trust store and key store settings, or empty for the JVM's default
 */
public record RegistryEndpoint(String url, Optional<String> authorization, Optional<SSLContext> ssl) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    private static final String SSL = "schema.registry.ssl.";

    /** The keys {@link #from} reads, for {@code kdstream config list} and the deployment checks. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(URL, Type.STRING, null, Importance.HIGH, "the Confluent-compatible API of any registry (Confluent, Karapace,"
                    + " Redpanda, Apicurio's /apis/ccompat/v7); a service's main uses http://localhost:8081/apis/ccompat/v7 when unset")
            .define(BASIC_AUTH_SOURCE, Type.STRING, null, Validators.in(List.of("USER_INFO", "URL")), Importance.MEDIUM,
                    "where basic credentials come from; unset: USER_INFO when basic.auth.user.info is set, URL when the URL holds USER:PASSWORD@")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM, "USER:PASSWORD for the registry")
            .define(BEARER_AUTH_SOURCE, Type.STRING, null, Validators.in(List.of("STATIC_TOKEN")), Importance.MEDIUM,
                    "STATIC_TOKEN sends bearer.auth.token")
            .define(BEARER_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM, "the registry's bearer token")
            .define(SSL + "truststore.location", Type.STRING, null, Importance.MEDIUM,
                    "a trust store for a registry whose certificate a private CA signed; unset: the JVM's")
            .define(SSL + "truststore.password", Type.PASSWORD, null, Importance.LOW, "the trust store's password")
            .define(SSL + "truststore.type", Type.STRING, "PKCS12", Importance.LOW, "the trust store's type")
            .define(SSL + "keystore.location", Type.STRING, null, Importance.MEDIUM,
                    "a key store whose certificate is sent to a registry that wants a client certificate")
            .define(SSL + "keystore.password", Type.PASSWORD, null, Importance.LOW, "the key store's password")
            .define(SSL + "keystore.type", Type.STRING, "PKCS12", Importance.LOW, "the key store's type")
            .define(SSL + "key.password", Type.PASSWORD, null, Importance.LOW, "the key's password; unset: the key store's");

    public RegistryEndpoint {
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A registry without authentication. */
    public static RegistryEndpoint of(String url) {
        return from(Map.of(URL, url));
    }

    /** Reads the URL and the credentials; refuses settings that cannot work, naming the setting. */
    public static RegistryEndpoint from(Map<String, ?> configs) {
        String url = text(configs, URL);
        if (url == null) {
            throw new ConfigException("'" + URL + "' is not set: kdstream's topics carry Avro records registered in a schema registry");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("'" + URL + "' is not a URL: " + e.getMessage());
        }
        String userInfoInUrl = uri.getRawUserInfo();
        String plainUrl = userInfoInUrl == null ? url : url.replace(userInfoInUrl + "@", "");

        String bearerSource = upper(text(configs, BEARER_AUTH_SOURCE));
        if (bearerSource != null) {
            if (!bearerSource.equals("STATIC_TOKEN")) {
                throw new ConfigException("'" + BEARER_AUTH_SOURCE + "' is " + bearerSource + "; kdstream supports STATIC_TOKEN");
            }
            String token = text(configs, BEARER_AUTH_TOKEN);
            if (token == null) {
                throw new ConfigException("'" + BEARER_AUTH_SOURCE + "' is STATIC_TOKEN but '" + BEARER_AUTH_TOKEN + "' is not set");
            }
            return new RegistryEndpoint(plainUrl, Optional.of("Bearer " + token), ssl(configs));
        }

        String userInfo = text(configs, BASIC_AUTH_USER_INFO);
        String basicSource = upper(text(configs, BASIC_AUTH_SOURCE));
        if (basicSource == null) {
            basicSource = userInfo != null ? "USER_INFO" : userInfoInUrl != null ? "URL" : null;
        }
        if (basicSource == null) {
            return new RegistryEndpoint(plainUrl, Optional.empty(), ssl(configs));
        }
        String credentials = switch (basicSource) {
            case "USER_INFO" -> {
                if (userInfo == null) {
                    throw new ConfigException("'" + BASIC_AUTH_SOURCE + "' is USER_INFO but '" + BASIC_AUTH_USER_INFO
                            + "' (USER:PASSWORD) is not set");
                }
                yield userInfo;
            }
            case "URL" -> {
                if (userInfoInUrl == null) {
                    throw new ConfigException("'" + BASIC_AUTH_SOURCE + "' is URL but '" + URL + "' holds no USER:PASSWORD@");
                }
                yield uri.getUserInfo(); // decoded, as the header wants it
            }
            default -> throw new ConfigException("'" + BASIC_AUTH_SOURCE + "' is " + basicSource
                    + "; kdstream supports USER_INFO and URL");
        };
        if (!credentials.contains(":")) {
            throw new ConfigException("the registry's basic credentials must be USER:PASSWORD (from " + basicSource + ")");
        }
        return new RegistryEndpoint(plainUrl, Optional.of("Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))), ssl(configs));
    }

    /** A TLS context of the configured trust store and key store, or empty when neither is set. */
    private static Optional<SSLContext> ssl(Map<String, ?> configs) {
        KeyStore trustStore = keyStore(configs, SSL + "truststore");
        KeyStore keyStore = keyStore(configs, SSL + "keystore");
        if (trustStore == null && keyStore == null) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory trust = null;
            if (trustStore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trustStore);
            }
            KeyManagerFactory keys = null;
            if (keyStore != null) {
                String keyPassword = text(configs, SSL + "key.password");
                String storePassword = text(configs, SSL + "keystore.password");
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(keyStore, chars(keyPassword != null ? keyPassword : storePassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("the schema registry's TLS settings (" + SSL + "*) cannot be used: " + e.getMessage(), e);
        }
    }

    /** The store named by {@code prefix.location}, or null when that is not set. */
    private static KeyStore keyStore(Map<String, ?> configs, String prefix) {
        String location = text(configs, prefix + ".location");
        if (location == null) {
            return null;
        }
        String type = text(configs, prefix + ".type");
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type == null ? "PKCS12" : type);
            store.load(in, chars(text(configs, prefix + ".password")));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("'" + prefix + ".location' is " + location + ", which cannot be read as a "
                    + (type == null ? "PKCS12" : type) + " store with the password given: " + e.getMessage(), e);
        }
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    /** Never the credentials: this is printed. */
    @Override
    public String toString() {
        return url + authorization.map(header -> " (" + header.substring(0, header.indexOf(' ')) + " authentication)").orElse("");
    }

    private static String text(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    private static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }
}
