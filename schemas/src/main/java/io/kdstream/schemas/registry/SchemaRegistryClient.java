package io.kdstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client for the Confluent schema-registry REST API (Confluent, Karapace, Redpanda, Apicurio's ccompat API), with
 * the credentials of its {@link RegistryEndpoint} on every request. Ids are cached both ways, so each schema costs one
 * request per process. Unreachable registries and 5xx answers are retried with exponential back-off, then reported
 * as a {@link RegistryUnavailableException} (an outage, to be waited out: see {@link RegistryWait}); an outage is logged
 * once when it begins and once when the registry answers again, not per request. Refusals (refused credentials
 * included) are reported at once with the registry's own reason.
 */
public final class SchemaRegistryClient implements SchemaRegistry {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final RegistryEndpoint endpoint;
    private final HttpClient http;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Map<SubjectSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    /** Whether the last request found the registry unreachable: the outage has been logged. */
    private final AtomicBoolean unreachable = new AtomicBoolean();

    public SchemaRegistryClient(RegistryEndpoint endpoint, int maxAttempts, Duration firstBackoff) {
        this.endpoint = endpoint;
        this.baseUrl = endpoint.url();
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        endpoint.ssl().ifPresent(http::sslContext);
        this.http = http.build();
    }

    /** A client with the default retry policy: 6 attempts, back-off from 250 ms doubling (about 8 s in all). */
    public SchemaRegistryClient(RegistryEndpoint endpoint) {
        this(endpoint, 6, Duration.ofMillis(250));
    }

    /** A client of a registry that needs no credentials (or has them in the URL), with the default retry policy. */
    public SchemaRegistryClient(String url) {
        this(RegistryEndpoint.of(url));
    }

    /** A client of a registry that needs no credentials (or has them in the URL). */
    public SchemaRegistryClient(String url, int maxAttempts, Duration firstBackoff) {
        this(RegistryEndpoint.of(url), maxAttempts, firstBackoff);
    }

    @Override
    public String url() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        return idFor(subject, schema, "/versions", "register");
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return idFor(subject, schema, "", "look up");
    }

    private int idFor(String subject, Schema schema, String path, String verb) {
        SubjectSchema cacheKey = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectAndSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        String body = JSON.createObjectNode().put("schema", registeredForm(schema)).toString();
        // normalize: the registry compares schemas in a canonical form, so the same schema rendered by another library
        // (namespaces written out, no Java string-type properties) is found rather than made a new version; a registry
        // without the parameter ignores it
        HttpRequest request = request("/subjects/" + encode(subject) + path + "?normalize=true")
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = send(request, verb + " schema " + schema.getFullName() + " under subject " + subject);
        if (response.statusCode() == 404 && path.isEmpty()) {
            throw new SchemaRegistryException("schema " + schema.getFullName() + " is not registered under subject '" + subject
                    + "' at " + baseUrl + " and auto-registration is off: " + reason(response));
        }
        if (response.statusCode() == 409) {
            throw new IncompatibleSchemaException(subject, "the schema registry at " + baseUrl + " refused schema "
                    + schema.getFullName() + " for subject '" + subject + "' as incompatible with the versions already registered"
                    + " (compatibility rule, usually BACKWARD): " + reason(response));
        }
        requireSuccess(response, verb + " schema " + schema.getFullName() + " under subject '" + subject + "'");
        int id = readJson(response).path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("the schema registry at " + baseUrl + " answered without an id: " + response.body());
        }
        idsBySubjectAndSchema.put(cacheKey, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /**
     * The schema as it is registered: without the {@code avro.java.string} properties Avro's Java code generator adds
     * to string types. The contract is the {@code .avsc} file, and a schema rendered from it by another language's
     * library (Python's, say) has no such properties: registries' normalization does not remove them, so with them
     * the same schema would become a second version of the subject.
     */
    static String registeredForm(Schema schema) {
        try {
            JsonNode tree = JSON.readTree(schema.toString());
            removeJavaStringTypes(tree);
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException("Avro rendered schema " + schema.getFullName() + " as invalid JSON", e);
        }
    }

    private static void removeJavaStringTypes(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(GenericData.STRING_PROP);
        }
        node.forEach(SchemaRegistryClient::removeJavaStringTypes);
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        HttpRequest request = request("/schemas/ids/" + id).GET().build();
        HttpResponse<String> response = send(request, "fetch schema id " + id);
        if (response.statusCode() == 404) {
            throw new SchemaRegistryException("the schema registry at " + baseUrl + " has no schema with id " + id);
        }
        requireSuccess(response, "fetch schema id " + id);
        Schema schema = new Schema.Parser().parse(readJson(response).path("schema").asText());
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    /** One request, no retries: whether the registry answers at all (any HTTP answer below 500). */
    @Override
    public boolean available() {
        try {
            // briefly: a registry that accepts connections but does not answer must not hold a waiting service long
            int status = http.send(request("/subjects").timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status < 500) {
                answered();
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        endpoint.authorization().ifPresent(header -> builder.header("Authorization", header));
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        Duration backoff = firstBackoff;
        IOException lastFailure = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 401 || response.statusCode() == 403) {
                    throw new SchemaRegistryException("the schema registry at " + baseUrl + " refused "
                            + endpoint.authorization().map(header -> "the credentials given").orElse("a request without credentials")
                            + " to " + what + " (HTTP " + response.statusCode() + " " + reason(response) + "); set '"
                            + RegistryEndpoint.BASIC_AUTH_USER_INFO + "' (USER:PASSWORD) or '" + RegistryEndpoint.BEARER_AUTH_TOKEN
                            + "' with its credentials source, as for Confluent's serdes");
                }
                if (response.statusCode() < 500) {
                    answered();
                    return response;
                }
                lastFailure = new IOException("HTTP " + response.statusCode() + ": " + response.body());
            } catch (SSLHandshakeException e) {
                // an answer, not an outage: retrying cannot make the certificate trusted
                throw new SchemaRegistryException("the schema registry at " + baseUrl + " could not be reached over TLS to "
                        + what + ": " + e.getMessage() + " (a registry certificate signed by a private CA is trusted with"
                        + " 'schema.registry.ssl.truststore.location')", e);
            } catch (IOException e) {
                lastFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while trying to " + what, e);
            }
            if (unreachable.compareAndSet(false, true)) {
                log.warn("schema registry at {} does not answer ({}); retrying with back-off, and what needs it waits until it answers",
                        baseUrl, lastFailure.toString());
            }
            if (attempt < maxAttempts) {
                log.debug("schema registry at {} did not answer ({}); retrying in {} ms", baseUrl, lastFailure, backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new RegistryUnavailableException("the schema registry at " + baseUrl + " is not reachable: could not " + what
                + " after " + maxAttempts + " attempts (last error: " + lastFailure + ")", lastFailure);
    }

    private void answered() {
        if (unreachable.compareAndSet(true, false)) {
            log.info("schema registry at {} answers again", baseUrl);
        }
    }

    private void requireSuccess(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("the schema registry at " + baseUrl + " refused to " + what
                    + ": HTTP " + response.statusCode() + " " + reason(response));
        }
    }

    private static String reason(HttpResponse<String> response) {
        try {
            JsonNode message = JSON.readTree(response.body()).path("message");
            return message.isMissingNode() ? response.body() : message.asText();
        } catch (IOException notJson) {
            return response.body();
        }
    }

    private JsonNode readJson(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("the schema registry at " + baseUrl + " answered with invalid JSON: " + response.body(), e);
        }
    }

    /** Cache key; Avro caches a schema's hash, so a lookup per record costs no schema serialisation. */
    private record SubjectSchema(String subject, Schema schema) {
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
