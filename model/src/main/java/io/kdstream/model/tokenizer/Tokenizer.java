package io.kdstream.model.tokenizer;

import java.util.List;

/**
 * How text becomes token ids, the same everywhere a sequence is tokenized (producers, teacher workers, trainer,
 * evaluator): chosen by configuration ({@link Tokenizers#load}), identified by a {@link #fingerprint()} that travels in
 * every record and checkpoint, so data made under another vocabulary is refused instead of silently misread.
 *
 * <p>Framing: a prompt is rendered once, by the producer ({@link #renderPrompt}, {@link #renderChat}), into the text
 * the model sees before its answer; {@link #encodeExample} then appends the response and the end-of-sequence token.
 * Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /** Number of token ids: the student's vocabulary is the tokenizer's. */
    int vocabularySize();

    /** Stable identity of the vocabulary and the framing rules. */
    String fingerprint();

    /** Encodes text as it stands, without the framing's special tokens. */
    int[] encode(String text);

    /** Decodes ids to text, leaving out special tokens. */
    String decode(int[] ids);

    /** The id that ends a sequence: generation stops at it. */
    int endOfSequence();

    /** The id that pads batches (never a target: padded positions are masked). */
    int padding();

    /** What generation starts from: the rendered prompt with the framing's leading special tokens. */
    int[] encodePrompt(String prompt);

    /**
     * Prompt, response and end-of-sequence token with the loss mask: positions whose target is a response token or
     * the end-of-sequence token are trained on (see {@link TokenizedExample} for the position convention).
     */
    TokenizedExample encodeExample(String prompt, String response);

    /** A plain prompt as the model should see it before its answer (the chat template's user turn, where there is one). */
    String renderPrompt(String prompt);

    /**
     * The conversation before the assistant's answer, rendered as the model should see it, ending with what opens the
     * assistant's turn (the generation prompt).
     *
     * @throws ChatTemplateException when the conversation cannot be rendered; the message names the construct
     */
    String renderChat(List<ChatTurn> conversation);
}
