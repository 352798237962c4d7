package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;

/**
 * Reading model servers' JSON: Python writes {@code -Infinity} and {@code NaN}, and every missing field is named.
 * Scoring replies are read as a stream (a reply of a 60-token sequence at K=16 is about 60 KB): a tree of it costs the
 * worker more CPU than the rest of the request.
 */
public final class ServedJson {

    /** Accepts the non-finite numbers Python's {@code json} module writes. */
    public static final JsonMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private ServedJson() {
    }

    static ArrayNode ints(int[] values) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(values.length);
        for (int value : values) {
            array.add(value);
        }
        return array;
    }

    /**
     * Moves {@code parser} (at the start of a reply) to the value at {@code path}: field names of nested objects, and
     * {@code "0"} for the first element of an array.
     */
    static void seek(JsonParser parser, String... path) throws IOException {
        JsonToken token = parser.nextToken();
        String at = "reply";
        for (String step : path) {
            if (step.equals("0") && token == JsonToken.START_ARRAY) {
                token = parser.nextToken();
            } else if (token == JsonToken.START_OBJECT && seekField(parser, step)) {
                token = parser.nextToken();
            } else {
                throw new IllegalStateException(at + " has no '" + step + "'");
            }
            at = at.equals("reply") ? step : at + "." + step;
        }
        if (token == null || token == JsonToken.VALUE_NULL) {
            throw new IllegalStateException(at + " is missing");
        }
    }

    /** Within an object, skips to the field {@code name}; false at the object's end. */
    private static boolean seekField(JsonParser parser, String name) throws IOException {
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            if (parser.currentName().equals(name)) {
                return true;
            }
            parser.nextToken();
            parser.skipChildren();
        }
        return false;
    }

    static void expect(JsonParser parser, JsonToken expected, String where, String what) throws IOException {
        if (parser.currentToken() != expected) {
            throw new IllegalStateException(where + " is " + parser.getText() + ", expected " + what);
        }
    }

    static JsonNode field(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalStateException(where + " has no '" + name + "'");
        }
        return value;
    }

    static int tokenId(String key, String where) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(where + " has the key '" + key + "', expected a token id", e);
        }
    }

    /** What a server said when it refused a request: {@code error.message} (vLLM, SGLang), {@code message}, or the body. */
    public static String errorMessage(String body) {
        try {
            JsonNode reply = MAPPER.readTree(body);
            JsonNode message = reply.path("error").isObject() ? reply.path("error").path("message") : reply.path("message");
            if (message.isTextual()) {
                return message.asText();
            }
            if (reply.path("error").isTextual()) {
                return reply.path("error").asText();
            }
        } catch (Exception notJson) {
            // the body as it is, below
        }
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
