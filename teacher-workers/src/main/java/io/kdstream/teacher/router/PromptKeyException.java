package io.kdstream.teacher.router;

/**
 * A prompt whose Kafka key is not its id. {@code kd.prompts} is keyed by the prompt's id as a plain UTF-8 string: the
 * router's dedup store, the teacher requests and the logit cache's keys all rely on it, so a record keyed otherwise
 * (no key, a key another serializer framed, another prompt's id) is refused rather than routed under a wrong key.
 */
final class PromptKeyException extends RuntimeException {

    private PromptKeyException(String message) {
        super(message);
    }

    static PromptKeyException missing(String promptId) {
        return new PromptKeyException("prompt " + promptId + " has no key; kd.prompts is keyed by the prompt's id as a plain UTF-8 string");
    }

    static PromptKeyException mismatched(String key, String promptId) {
        return new PromptKeyException("prompt " + promptId + " came under key \"" + printable(key) + "\", which is not its id;"
                + " kd.prompts is keyed by the prompt's id as a plain UTF-8 string (a key in the Confluent wire format, as"
                + " Avro-serializing producers write, starts with \\u0000)");
    }

    /** The key with control and non-ASCII characters escaped, so a framed or binary key shows what it holds. */
    private static String printable(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (char c : key.toCharArray()) {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
