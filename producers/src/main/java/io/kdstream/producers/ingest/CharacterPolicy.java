package io.kdstream.producers.ingest;

import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.tokenizer.UnknownCharacterException;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the producer does with characters the student's tokenizer cannot encode. Checking here, at ingestion,
 * rejects a bad line with its line number and field instead of letting every teacher worker dead-letter it later.
 *
 * <p>{@link #REJECT} (the default) refuses the line and names the first such character. {@link #NORMALISE} first
 * rewrites text that has a faithful ASCII form (accents dropped after Unicode compatibility decomposition, curly
 * quotes, dashes, ellipses, non-breaking and other spaces, tabs, CR line ends) and refuses only what is left.
 */
public enum CharacterPolicy {
    REJECT,
    NORMALISE;

    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACES = Pattern.compile("[\\p{Zs}\\t]");
    private static final Map<String, String> TYPOGRAPHY = Map.ofEntries(
            Map.entry("\u2018", "'"), Map.entry("\u2019", "'"), Map.entry("\u201A", "'"), Map.entry("\u201B", "'"),
            Map.entry("\u2032", "'"), Map.entry("\u201C", "\""), Map.entry("\u201D", "\""), Map.entry("\u201E", "\""),
            Map.entry("\u201F", "\""), Map.entry("\u2033", "\""), Map.entry("\u2010", "-"), Map.entry("\u2011", "-"),
            Map.entry("\u2012", "-"), Map.entry("\u2013", "-"), Map.entry("\u2014", "-"), Map.entry("\u2015", "-"),
            Map.entry("\u2212", "-"), Map.entry("\u2044", "/"), Map.entry("\u00D7", "*"), Map.entry("\u00F7", "/"),
            Map.entry("\u2026", "..."), Map.entry("\r\n", "\n"), Map.entry("\r", "\n"));
    private static final Pattern TYPOGRAPHIC = Pattern.compile(String.join("|", TYPOGRAPHY.keySet().stream()
            .sorted((a, b) -> b.length() - a.length()).map(Pattern::quote).toList()));

    public static CharacterPolicy parse(String value) {
        String upper = value.trim().toUpperCase(Locale.ROOT);
        return upper.equals("NORMALIZE") ? NORMALISE : valueOf(upper);
    }

    /**
     * The text as it will be stored, or a rejection naming the field, the character and its offset.
     *
     * @param field how the line names this text, for the error message
     * @param tokenizer the tokenizer the text must be encodable by (Hugging Face tokenizers encode any text)
     */
    public String apply(String text, String field, Tokenizer tokenizer) throws RejectedLineException {
        String out = this == NORMALISE ? normalise(text) : text;
        try {
            tokenizer.encode(out);
        } catch (UnknownCharacterException e) {
            String hint = this == REJECT ? "; kdstream.producer.characters=normalise maps accents and typographic characters to ASCII" : "";
            throw new RejectedLineException("field '" + field + "': " + e.getMessage() + hint);
        }
        return out;
    }

    static String normalise(String text) {
        String replaced = TYPOGRAPHIC.matcher(text).replaceAll(match -> Matcher.quoteReplacement(TYPOGRAPHY.get(match.group())));
        String decomposed = Normalizer.normalize(replaced, Normalizer.Form.NFKD);
        return SPACES.matcher(COMBINING_MARKS.matcher(decomposed).replaceAll("")).replaceAll(" ");
    }
}
