package io.kdstream.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import io.kdstream.model.djl.DjlTokenizers;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face tokenizer read from a {@code tokenizer.json} (DJL's binding of the Rust {@code tokenizers} library,
 * whose native library is inside its jar, loaded by {@link DjlTokenizers}), with the {@code tokenizer_config.json} beside it for the end-of-sequence
 * and padding tokens and the chat template.
 *
 * <p>Framing: the prompt (already rendered with the chat template by the producer) is encoded with the tokenizer's own
 * special tokens (a BOS where its post-processor adds one), the response without, and the configuration's
 * {@code eos_token} closes the sequence. The fingerprint is a digest of both files: it changes whenever the ids or
 * the framing would.
 */
public final class HuggingFaceTokenizer implements Tokenizer {

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
    private final String fingerprint;
    private final int vocabularySize;
    private final int endOfSequence;
    private final int padding;
    private final Optional<ChatTemplate> chatTemplate;

    private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer, String fingerprint,
                                 int vocabularySize, TokenizerConfigFile config, String origin, Optional<Path> templateFile) throws IOException {
        this.tokenizer = tokenizer;
        this.fingerprint = fingerprint;
        this.vocabularySize = vocabularySize;
        String eos = config.specialTokens().get(TokenizerConfigFile.EOS);
        if (eos == null) {
            throw new IllegalArgumentException(origin + " names no eos_token: kdstream ends every sequence with it");
        }
        this.endOfSequence = singleId(eos, TokenizerConfigFile.EOS, origin);
        String pad = config.specialTokens().get(TokenizerConfigFile.PAD);
        this.padding = pad == null ? endOfSequence : singleId(pad, TokenizerConfigFile.PAD, origin);
        Optional<String> template = templateFile.isPresent() ? Optional.of(Files.readString(templateFile.get())) : config.chatTemplate();
        String templateOrigin = templateFile.map(Path::toString).orElse(origin);
        this.chatTemplate = template.map(source -> new ChatTemplate(source, templateOrigin, config.specialTokens()));
    }

    /**
     * Reads {@code tokenizer.json} and the {@code tokenizer_config.json} in the same folder.
     *
     * @throws IOException when either file cannot be read
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson) throws IOException {
        return load(tokenizerJson, Optional.empty());
    }

    /**
     * Like {@link #load(Path)}, with a Jinja file that replaces the configuration's chat template (as vLLM's
     * {@code --chat-template} does): for templates that use Python constructs jinjava lacks. The fingerprint stays the
     * files' (the template decides the text producers render, not how text becomes ids).
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson, Optional<Path> chatTemplate) throws IOException {
        Path configFile = tokenizerJson.resolveSibling("tokenizer_config.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException("no tokenizer file " + tokenizerJson);
        }
        if (!Files.isRegularFile(configFile)) {
            throw new IOException("no " + configFile + " beside " + tokenizerJson + " (it names the end-of-sequence token)");
        }
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer = DjlTokenizers.load(tokenizerJson);
        String fingerprint = "hf:" + sha256Hex(tokenizerJson, configFile).substring(0, 16);
        return new HuggingFaceTokenizer(tokenizer, fingerprint, vocabularySize(tokenizerJson),
                TokenizerConfigFile.read(configFile), configFile.toString(), chatTemplate);
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    /** {@code "hf:"} and the first 16 hex characters of SHA-256 over {@code tokenizer.json} then {@code tokenizer_config.json}. */
    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public int[] encode(String text) {
        return ids(tokenizer.encode(text, false, false));
    }

    @Override
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabularySize) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside the vocabulary [0, " + vocabularySize + ")");
            }
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, true);
    }

    @Override
    public int endOfSequence() {
        return endOfSequence;
    }

    @Override
    public int padding() {
        return padding;
    }

    @Override
    public int[] encodePrompt(String prompt) {
        return ids(tokenizer.encode(prompt, true, false));
    }

    @Override
    public TokenizedExample encodeExample(String prompt, String response) {
        int[] promptIds = encodePrompt(prompt);
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: there is no position to predict the response from");
        }
        int[] responseIds = encode(response);
        int[] tokens = Arrays.copyOf(promptIds, promptIds.length + responseIds.length + 1);
        System.arraycopy(responseIds, 0, tokens, promptIds.length, responseIds.length);
        tokens[tokens.length - 1] = endOfSequence;
        // the prompt's last token predicts the first response token: from there on every target is response or EOS
        float[] lossMask = new float[tokens.length - 1];
        Arrays.fill(lossMask, promptIds.length - 1, lossMask.length, 1f);
        return new TokenizedExample(tokens, lossMask);
    }

    /** The prompt as the chat template's one user turn; as it stands when the tokenizer has no template. */
    @Override
    public String renderPrompt(String prompt) {
        return chatTemplate.isPresent() ? renderChat(List.of(ChatTurn.user(prompt))) : prompt;
    }

    @Override
    public String renderChat(List<ChatTurn> conversation) {
        return chatTemplate.orElseThrow(() -> new ChatTemplateException("the tokenizer " + fingerprint
                + " has no chat_template in its tokenizer_config.json: it cannot render chat messages")).render(conversation);
    }

    private int singleId(String token, String name, String origin) {
        int[] ids = encode(token);
        if (ids.length != 1) {
            throw new IllegalArgumentException(name + " '" + token + "' of " + origin + " is not one token of the tokenizer (it encodes as "
                    + Arrays.toString(ids) + ")");
        }
        return ids[0];
    }

    private static int[] ids(Encoding encoding) {
        long[] ids = encoding.getIds();
        int[] narrow = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            narrow[i] = Math.toIntExact(ids[i]);
        }
        return narrow;
    }

    /** One more than the largest id of the model's vocabulary and the added tokens. */
    private static int vocabularySize(Path tokenizerJson) throws IOException {
        int largest = -1;
        try (JsonParser json = new JsonFactory().createParser(tokenizerJson.toFile())) {
            // every integer inside "model.vocab" and every "id" inside "added_tokens" is a token id; Unigram vocabularies
            // are [piece, score] pairs, whose position is the id
            expect(json.nextToken() == JsonToken.START_OBJECT, tokenizerJson);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                if (field.equals("added_tokens")) {
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String name = json.currentName();
                            json.nextToken();
                            if (name.equals("id")) {
                                largest = Math.max(largest, json.getIntValue());
                            } else {
                                json.skipChildren();
                            }
                        }
                    }
                } else if (field.equals("model")) {
                    largest = Math.max(largest, largestModelId(json));
                } else {
                    json.skipChildren();
                }
            }
        }
        expect(largest >= 0, tokenizerJson);
        return largest + 1;
    }

    private static int largestModelId(JsonParser json) throws IOException {
        int largest = -1;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken value = json.nextToken();
            if (!name.equals("vocab")) {
                json.skipChildren();
            } else if (value == JsonToken.START_OBJECT) {
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    json.nextToken();
                    largest = Math.max(largest, json.getIntValue());
                }
            } else if (value == JsonToken.START_ARRAY) {
                int count = 0;
                while (json.nextToken() == JsonToken.START_ARRAY) {
                    json.skipChildren();
                    count++;
                }
                largest = Math.max(largest, count - 1);
            }
        }
        return largest;
    }

    private static void expect(boolean condition, Path tokenizerJson) {
        if (!condition) {
            throw new IllegalArgumentException(tokenizerJson + " is not a Hugging Face tokenizer.json (no model vocabulary)");
        }
    }

    private static String sha256Hex(Path... files) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
