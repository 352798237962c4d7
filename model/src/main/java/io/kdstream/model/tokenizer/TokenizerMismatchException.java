package io.kdstream.model.tokenizer;

/** A served model whose tokenizer is not the configured one; the message names a text on which they differ. */
public final class TokenizerMismatchException extends IllegalStateException {

    public TokenizerMismatchException(String message) {
        super(message);
    }
}
