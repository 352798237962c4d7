package io.kdstream.model.tokenizer;

/**
 * A character outside the tokenizer's fixed vocabulary. The message names the character (as {@code U+XXXX} and
 * quoted) and its offset, so a rejected record can be fixed without guessing which byte was wrong.
 */
public final class UnknownCharacterException extends IllegalArgumentException {

    private final int codePoint;
    private final int offset;

    public UnknownCharacterException(int codePoint, int offset) {
        super(String.format("unknown character U+%04X '%s' at offset %d (the tokenizer knows '\\n' and printable ASCII only)",
                codePoint, new String(Character.toChars(codePoint)), offset));
        this.codePoint = codePoint;
        this.offset = offset;
    }

    /** The Unicode code point that is not in the vocabulary. */
    public int codePoint() {
        return codePoint;
    }

    /** The offset of the character in the input string, in UTF-16 chars (what {@link String#charAt} counts). */
    public int offset() {
        return offset;
    }
}
