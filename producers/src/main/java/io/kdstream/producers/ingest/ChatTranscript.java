package io.kdstream.producers.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.model.tokenizer.ChatTurn;
import io.kdstream.schemas.avro.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Chat-shaped data ({@code messages: [{role, content}, ...]}) as a prompt and a response: the response is the
 * last turn, which must be the assistant's; the prompt is every turn before it, rendered by the tokenizer (its chat
 * template with the generation prompt, or the char tokenizer's {@code role: content} lines ending with
 * {@code assistant:}) so the model learns where its answer starts.
 */
record ChatTranscript(List<ChatMessage> messages, String prompt, String response) {

    static final String ASSISTANT = "assistant";

    /**
     * @param field how the line names the messages field, for error messages
     * @param text applied to every role and content, so stored messages are what the prompt was rendered from, and
     *             renders the prompt
     */
    static ChatTranscript parse(JsonNode node, String field, PromptText text) throws RejectedLineException {
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
            messages.add(new ChatMessage(text.clean(role, where + ".role"), text.clean(content, where + ".content")));
        }
        ChatMessage last = messages.get(messages.size() - 1);
        if (!last.getRole().equals(ASSISTANT)) {
            throw new RejectedLineException("field '" + field + "' must end with an assistant turn (the response), not '" + last.getRole() + "'");
        }
        if (messages.size() < 2) {
            throw new RejectedLineException("field '" + field + "' has only the assistant's turn: there is no prompt to answer");
        }
        String prompt = text.renderChat(messages.subList(0, messages.size() - 1).stream()
                .map(m -> new ChatTurn(m.getRole(), m.getContent())).toList(), field);
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
