package io.kdstream.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/** The tokenizer a setting names: {@code char} (the built-in character tokenizer) or the path of a {@code tokenizer.json}. */
public final class Tokenizers {

    /** The setting's value for the built-in {@link CharTokenizer}. */
    public static final String CHAR = "char";

    private Tokenizers() {
    }

    /**
     * @param setting {@code char}, or the path of a Hugging Face {@code tokenizer.json} with its
     *                {@code tokenizer_config.json} beside it
     * @throws UncheckedIOException when the files cannot be read
     */
    public static Tokenizer load(String setting) {
        return load(setting, "");
    }

    /**
     * @param chatTemplate a Jinja file that replaces the tokenizer's own chat template, or blank for the tokenizer's
     */
    public static Tokenizer load(String setting, String chatTemplate) {
        if (setting.isBlank() || setting.trim().equals(CHAR)) {
            if (!chatTemplate.isBlank()) {
                throw new IllegalArgumentException("a chat template file is for Hugging Face tokenizers; the char tokenizer renders chats as role lines");
            }
            return new CharTokenizer();
        }
        try {
            return HuggingFaceTokenizer.load(Path.of(setting.trim()),
                    chatTemplate.isBlank() ? Optional.empty() : Optional.of(Path.of(chatTemplate.trim())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tokenizer '" + setting + "': " + e.getMessage(), e);
        }
    }
}
