package io.kdstream.producers.ingest;

import io.kdstream.model.tokenizer.ChatTemplateException;
import io.kdstream.model.tokenizer.ChatTurn;
import io.kdstream.model.tokenizer.Tokenizer;

import java.util.List;

/**
 * What becomes of a line's text before it is stored: characters the tokenizer cannot encode are handled by the
 * {@link CharacterPolicy}, and prompts are rendered as the model sees them before its answer, with the tokenizer's chat
 * template where it has one. Rendering once here means every service downstream tokenizes the same text.
 */
public record PromptText(CharacterPolicy characters, Tokenizer tokenizer) {

    /** The text as it will be stored, or a rejection naming the field. */
    String clean(String text, String field) throws RejectedLineException {
        return characters.apply(text, field, tokenizer);
    }

    /** A plain prompt as the tokenizer's chat template's user turn (as it stands for the char tokenizer). */
    String renderPrompt(String prompt, String field) throws RejectedLineException {
        try {
            return tokenizer.renderPrompt(prompt);
        } catch (ChatTemplateException e) {
            throw new RejectedLineException("field '" + field + "': " + e.getMessage());
        }
    }

    /** The turns before the assistant's answer, rendered with the generation prompt. */
    String renderChat(List<ChatTurn> turns, String field) throws RejectedLineException {
        try {
            return tokenizer.renderChat(turns);
        } catch (ChatTemplateException e) {
            throw new RejectedLineException("field '" + field + "': " + e.getMessage());
        }
    }
}
