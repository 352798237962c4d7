package io.kdstream.schemas.registry;

import io.kdstream.platform.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * HTTPS needs nothing more than an {@code https://} URL with a certificate the JVM trusts (its default trust store,
 * or {@code -Djavax.net.ssl.trustStore}).
 *
 * @param url the registry's base URL without credentials: the one to name in messages and logs
 * @param authorization the {@code Authorization} header to send, or empty
 */
public record RegistryEndpoint(String url, Optional<String> authorization) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";

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
            return new RegistryEndpoint(plainUrl, Optional.of("Bearer " + token));
        }

        String userInfo = text(configs, BASIC_AUTH_USER_INFO);
        String basicSource = upper(text(configs, BASIC_AUTH_SOURCE));
        if (basicSource == null) {
            basicSource = userInfo != null ? "USER_INFO" : userInfoInUrl != null ? "URL" : null;
        }
        if (basicSource == null) {
            return new RegistryEndpoint(plainUrl, Optional.empty());
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
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))));
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
