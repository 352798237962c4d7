package io.kdstream.producers.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.schemas.avro.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Chat-shaped data ({@code messages: [{role, content}, ...]}) as a prompt and a response: the response is the
 * last turn, which must be the assistant's; the prompt is every turn before it, one {@code role: content} block
 * a turn, ending with {@code assistant:} so the model learns where its answer starts.
 */
record ChatTranscript(List<ChatMessage> messages, String prompt, String response) {

    static final String ASSISTANT = "assistant";

    /**
     * @param field how the line names the messages field, for error messages
     * @param characters applied to every role and content, so stored messages are what the prompt was rendered from
     */
    static ChatTranscript parse(JsonNode node, String field, CharacterPolicy characters) throws RejectedLineException {
        if (!node.isArray() || node.isEmpty()) {
            throw new RejectedLineException("field '" + field + "' must be a non-empty array of {role, content} objects");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode message = node.get(i);
            String where = field + "[" + i + "]";
            if (!message.isObject()) {
                throw new RejectedLineException("field '" + where + "' must be an object with 'role' and 'content'");
            }
            String role = textOf(message, "role", where);
            String content = textOf(message, "content", where);
            messages.add(new ChatMessage(characters.apply(role, where + ".role"), characters.apply(content, where + ".content")));
        }
        ChatMessage last = messages.get(messages.size() - 1);
        if (!last.getRole().equals(ASSISTANT)) {
            throw new RejectedLineException("field '" + field + "' must end with an assistant turn (the response), not '" + last.getRole() + "'");
        }
        if (messages.size() < 2) {
            throw new RejectedLineException("field '" + field + "' has only the assistant's turn: there is no prompt to answer");
        }
        String prompt = messages.subList(0, messages.size() - 1).stream()
                .map(m -> m.getRole() + ": " + m.getContent())
                .collect(Collectors.joining("\n", "", "\n" + ASSISTANT + ":"));
        return new ChatTranscript(messages, prompt, last.getContent());
    }

    private static String textOf(JsonNode message, String name, String where) throws RejectedLineException {
        JsonNode value = message.get(name);
        if (value == null || !value.isTextual()) {
            throw new RejectedLineException("field '" + where + "." + name + "' must be a string");
        }
        if (value.asText().isBlank()) {
            throw new RejectedLineException("empty field '" + where + "." + name + "'");
        }
        return value.asText();
    }
}
