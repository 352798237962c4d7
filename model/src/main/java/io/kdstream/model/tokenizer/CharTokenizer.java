package io.kdstream.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Character-level tokenizer with a fixed vocabulary, so teacher and student agree on ids without any vocabulary
 * file: ids 0..3 are the special tokens, id 4 is {@code '\n'}, ids 5..99 are printable ASCII 32..126.
 *
 * <p>The tokenizer is immutable and thread-safe. Its {@link #fingerprint()} travels in every record and checkpoint,
 * so data produced under another vocabulary or framing rule is refused instead of silently misread.
 */
public final class CharTokenizer implements Tokenizer {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    /** Separates the prompt from the response. */
    public static final int SEP = 3;

    private static final String ASSISTANT = "assistant";
    private static final int SPECIAL_COUNT = 4;
    private static final int FIRST_PRINTABLE = 32;
    private static final int LAST_PRINTABLE = 126;
    private static final int NEWLINE_ID = SPECIAL_COUNT;
    private static final int FIRST_PRINTABLE_ID = SPECIAL_COUNT + 1;
    private static final int VOCABULARY_SIZE = FIRST_PRINTABLE_ID + (LAST_PRINTABLE - FIRST_PRINTABLE + 1);

    /**
     * Everything that determines how text becomes ids: if any of it changes, the fingerprint must change. Bump the
     * version prefix too when the rules change in a way this description does not capture.
     */
    private static final String DESCRIPTION = "char-v1;specials=PAD:0,BOS:1,EOS:2,SEP:3;chars=LF:4,ASCII32-126:5-99;"
            + "example=BOS prompt SEP response EOS;loss=response and EOS targets;decode=skips specials";

    private static final String FINGERPRINT = "char-v1:" + sha256Hex(DESCRIPTION).substring(0, 16);

    /** Number of token ids, including the special tokens. */
    @Override
    public int vocabularySize() {
        return VOCABULARY_SIZE;
    }

    /**
     * Stable identity of the vocabulary and framing rules: {@code "char-v1:"} plus the first 16 hex chars of SHA-256
     * over their description.
     */
    @Override
    public String fingerprint() {
        return FINGERPRINT;
    }

    /** Encodes text without special tokens. */
    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        int count = 0;
        for (int offset = 0; offset < text.length(); ) {
            int codePoint = text.codePointAt(offset);
            ids[count++] = idOf(codePoint, offset);
            offset += Character.charCount(codePoint);
        }
        return count == ids.length ? ids : Arrays.copyOf(ids, count);
    }

    /** Decodes ids to text; special tokens (PAD, BOS, EOS, SEP) are skipped. */
    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= VOCABULARY_SIZE) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, "
                        + VOCABULARY_SIZE + ")");
            }
            if (id == NEWLINE_ID) {
                text.append('\n');
            } else if (id >= FIRST_PRINTABLE_ID) {
                text.append((char) (FIRST_PRINTABLE + id - FIRST_PRINTABLE_ID));
            }
        }
        return text.toString();
    }

    @Override
    public int endOfSequence() {
        return EOS;
    }

    @Override
    public int padding() {
        return PAD;
    }

    /** {@code BOS prompt SEP}: what generation starts from. */
    @Override
    public int[] encodePrompt(String prompt) {
        int[] body = encode(prompt);
        int[] ids = new int[body.length + 2];
        ids[0] = BOS;
        System.arraycopy(body, 0, ids, 1, body.length);
        ids[ids.length - 1] = SEP;
        return ids;
    }

    /**
     * {@code BOS prompt SEP response EOS} with its loss mask: positions whose target is a response token or the EOS
     * are trained on (see {@link TokenizedExample} for the position convention).
     */
    @Override
    public TokenizedExample encodeExample(String prompt, String response) {
        int[] promptIds = encodePrompt(prompt);
        int[] responseIds = encode(response);
        int[] tokens = new int[promptIds.length + responseIds.length + 1];
        System.arraycopy(promptIds, 0, tokens, 0, promptIds.length);
        System.arraycopy(responseIds, 0, tokens, promptIds.length, responseIds.length);
        tokens[tokens.length - 1] = EOS;

        // The SEP sits at promptIds.length - 1 and predicts the first response token: from there on every target
        // is response or EOS.
        float[] lossMask = new float[tokens.length - 1];
        Arrays.fill(lossMask, promptIds.length - 1, lossMask.length, 1f);
        return new TokenizedExample(tokens, lossMask);
    }

    /** The prompt as it stands: BOS and SEP frame it. */
    @Override
    public String renderPrompt(String prompt) {
        return prompt;
    }

    /**
     * One {@code role: content} block a turn, ending with {@code assistant:} so the model learns where its answer
     * starts.
     */
    @Override
    public String renderChat(List<ChatTurn> conversation) {
        return conversation.stream().map(turn -> turn.role() + ": " + turn.content())
                .collect(Collectors.joining("\n", "", "\n" + ASSISTANT + ":"));
    }

    private static int idOf(int codePoint, int offset) {
        if (codePoint == '\n') {
            return NEWLINE_ID;
        }
        if (codePoint >= FIRST_PRINTABLE && codePoint <= LAST_PRINTABLE) {
            return FIRST_PRINTABLE_ID + codePoint - FIRST_PRINTABLE;
        }
        throw new UnknownCharacterException(codePoint, offset);
    }

    private static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
