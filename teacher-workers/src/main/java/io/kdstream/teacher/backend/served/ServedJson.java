package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Reading model servers' JSON: Python writes {@code -Infinity} and {@code NaN}, and every missing field is named. */
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

    static JsonNode field(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalStateException(where + " has no '" + name + "'");
        }
        return value;
    }

    static void requireLength(JsonNode array, int length, String where) {
        if (!array.isArray() || array.size() != length) {
            throw new IllegalStateException(where + " has " + (array.isArray() ? array.size() + " entries" : "no list")
                    + " for a sequence of " + length + " tokens");
        }
    }

    static double number(JsonNode node, String name, String where) {
        return number(field(node, name, where), where + "." + name);
    }

    static double number(JsonNode value, String where) {
        if (!value.isNumber()) {
            throw new IllegalStateException(where + " is " + value + ", expected a number");
        }
        return value.doubleValue();
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
