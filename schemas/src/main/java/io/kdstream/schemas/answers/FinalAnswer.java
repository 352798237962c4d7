package io.kdstream.schemas.answers;

/**
 * The final-answer convention shared by data producers and the evaluator: a response ends with
 * {@code #### <answer>} (GSM8K's convention), and exact-match scoring compares that answer with the prompt's
 * {@code expectedAnswer}.
 */
public final class FinalAnswer {

    public static final String MARKER = "####";

    private FinalAnswer() {
    }

    /** The answer after the last marker, trimmed; null when there is no marker. */
    public static String extract(String response) {
        int marker = response.lastIndexOf(MARKER);
        return marker < 0 ? null : response.substring(marker + MARKER.length()).trim();
    }

    public static String format(String answer) {
        return MARKER + " " + answer;
    }

    public static boolean matches(String generated, String expected) {
        String answer = extract(generated);
        return answer != null && expected != null && answer.equals(expected.trim());
    }
}
