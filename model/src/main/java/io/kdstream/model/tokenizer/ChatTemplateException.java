package io.kdstream.model.tokenizer;

/** A chat template that cannot render a conversation; the message names the template's construct and line. */
public final class ChatTemplateException extends IllegalArgumentException {

    public ChatTemplateException(String message) {
        super(message);
    }
}
