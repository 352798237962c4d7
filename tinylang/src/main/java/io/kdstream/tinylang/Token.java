package io.kdstream.tinylang;

/** A lexical token: its kind, its text, and its offset in the source (for error messages). */
record Token(Kind kind, String text, int offset) {

    enum Kind { NUMBER, NAME, KEYWORD, SYMBOL, END }

    boolean is(String symbolOrKeyword) {
        return (kind == Kind.SYMBOL || kind == Kind.KEYWORD) && text.equals(symbolOrKeyword);
    }

    String describe() {
        return kind == Kind.END ? "the end of the program" : "'" + text + "' at offset " + offset;
    }
}
