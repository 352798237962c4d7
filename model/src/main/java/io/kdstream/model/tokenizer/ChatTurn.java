package io.kdstream.model.tokenizer;

/** One message of a conversation: who speaks ({@code system}, {@code user}, {@code assistant}, ...) and what. */
public record ChatTurn(String role, String content) {

    public ChatTurn {
        if (role == null || content == null) {
            throw new IllegalArgumentException("a chat turn needs a role and a content");
        }
    }

    public static ChatTurn user(String content) {
        return new ChatTurn("user", content);
    }
}
