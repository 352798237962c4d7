package io.kdstream.tinylang;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Splits source text into tokens; anything that is not part of the language is a syntax error at its offset. */
final class Lexer {

    static final Set<String> KEYWORDS = Set.of("while", "if", "else", "return");
    private static final List<String> SYMBOLS = List.of("==", "!=", "<=", ">=", "&&", "||",
            "=", "<", ">", "+", "-", "*", "/", "%", "!", "(", ")", "{", "}", ";");
    /** 18 digits always fit a long; longer literals are refused rather than overflowing at parse time. */
    private static final int MAX_DIGITS = 18;

    private Lexer() {
    }

    static List<Token> tokens(String source) throws ProgramException {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
                i++;
            } else if (c >= '0' && c <= '9') {
                int start = i;
                while (i < source.length() && Character.isDigit(source.charAt(i))) {
                    i++;
                }
                if (i - start > MAX_DIGITS) {
                    throw new ProgramException(ProgramException.Kind.SYNTAX, "number at offset " + start + " has more than " + MAX_DIGITS + " digits");
                }
                tokens.add(new Token(Token.Kind.NUMBER, source.substring(start, i), start));
            } else if (isNameStart(c)) {
                int start = i;
                while (i < source.length() && (isNameStart(source.charAt(i)) || Character.isDigit(source.charAt(i)))) {
                    i++;
                }
                String name = source.substring(start, i);
                tokens.add(new Token(KEYWORDS.contains(name) ? Token.Kind.KEYWORD : Token.Kind.NAME, name, start));
            } else {
                String symbol = symbolAt(source, i);
                if (symbol == null) {
                    throw new ProgramException(ProgramException.Kind.SYNTAX, "unexpected character '" + c + "' at offset " + i);
                }
                tokens.add(new Token(Token.Kind.SYMBOL, symbol, i));
                i += symbol.length();
            }
        }
        tokens.add(new Token(Token.Kind.END, "", source.length()));
        return tokens;
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || c == '_';
    }

    private static String symbolAt(String source, int i) {
        for (String symbol : SYMBOLS) { // two-character symbols come first
            if (source.startsWith(symbol, i)) {
                return symbol;
            }
        }
        return null;
    }
}
