package io.kdstream.teacher.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.testing.Qwen3TokenizerFiles;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.HuggingFaceTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.teacher.backend.served.ServedJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code serve-teacher} with {@code kdstream.serve.tokenizer} naming Qwen3's real {@code tokenizer.json}, over real HTTP:
 * {@code /tokenize} answers Qwen3's ids, the replies' token texts are Qwen3's, and a checkpoint is served only with the
 * tokenizer it was trained with.
 */
class TeacherServerTokenizerIntegrationTest {

    private static final String TEXT = "Hello world, knowledge distillation!";
    /** Qwen3's ids for {@link #TEXT}, as {@code node tokenizers/golden.mjs} prints them. */
    private static final int[] QWEN3_IDS = {9707, 1879, 11, 6540, 1582, 66084, 0};

    @TempDir
    static Path dir;
    private static HuggingFaceTokenizer qwen3;
    private static Path checkpoint;
    private static TeacherServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void serve() throws Exception {
        qwen3 = HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson());
        checkpoint = dir.resolve("qwen3-teacher.ckpt");
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(new TransformerConfig(qwen3.vocabularySize(), 16, 8, 1, 1, 16), 3)) {
            CheckpointFile.write(checkpoint, teacher, qwen3.fingerprint(), Map.of());
        }
        server = new TeacherServer(TeacherServerConfig.from(settings(Qwen3TokenizerFiles.tokenizerJson().toString())));
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Settings settings(String tokenizer) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kdstream.serve.checkpoint", checkpoint.toString());
        settings.put("kdstream.serve.port", "0");
        settings.put("kdstream.serve.device", "cpu");
        if (tokenizer != null) {
            settings.put("kdstream.serve.tokenizer", tokenizer);
        }
        return Settings.of(settings);
    }

    @Test
    void shouldTokenizeWithTheConfiguredTokenizer() throws Exception {
        JsonNode plain = post("/tokenize", "{\"prompt\": \"" + TEXT + "\", \"add_special_tokens\": false}");
        assertThat(ids(plain.path("tokens"))).containsExactly(QWEN3_IDS);
        assertThat(plain.path("count").asInt()).isEqualTo(QWEN3_IDS.length);
        JsonNode framed = post("/tokenize", "{\"prompt\": \"" + TEXT + "\"}"); // vLLM adds the tokenizer's special tokens by default
        assertThat(ids(framed.path("tokens"))).containsExactly(qwen3.encodePrompt(TEXT));
    }

    @Test
    void shouldDecodeTokenTextsWithTheConfiguredTokenizer() throws Exception {
        String prompt = Arrays.toString(QWEN3_IDS);
        JsonNode vllm = post("/v1/completions", "{\"prompt\": " + prompt + ", \"prompt_logprobs\": 2, \"max_tokens\": 1}");
        JsonNode positions = vllm.path("choices").path(0).path("prompt_logprobs");
        assertThat(positions.path(1).path("1879").path("decoded_token").asText()).isEqualTo(" world"); // the actual token, at any rank
        assertThat(positions.path(2).path("11").path("decoded_token").asText()).isEqualTo(",");
        assertThat(positions.path(1).properties()).allSatisfy(entry -> assertThat(entry.getValue().path("decoded_token").asText())
                .isEqualTo(qwen3.decode(new int[] {Integer.parseInt(entry.getKey())})));

        JsonNode sglang = post("/generate", "{\"input_ids\": " + prompt + ", \"return_logprob\": true, \"logprob_start_len\": 0,"
                + " \"top_logprobs_num\": 2, \"return_text_in_logprobs\": true, \"sampling_params\": {\"max_new_tokens\": 0}}");
        JsonNode tokens = sglang.path("meta_info").path("input_token_logprobs");
        assertThat(tokens.path(0).path(2).asText()).isEqualTo("Hello");
        assertThat(tokens.path(5).path(2).asText()).isEqualTo("illation"); // " distillation" is " dist" + "illation"
    }

    @Test
    void shouldRefuseACheckpointOfAnotherTokenizer() {
        // the default, char, is not the tokenizer this checkpoint was trained with
        assertThatThrownBy(() -> new TeacherServer(TeacherServerConfig.from(settings(null))).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was trained with another tokenizer: expected " + new CharTokenizer().fingerprint() + ", found " + qwen3.fingerprint())
                .hasMessageContaining("set kdstream.serve.tokenizer");
    }

    @Test
    void shouldNameTheSettingOfATokenizerItCannotLoad() {
        Path missing = dir.resolve("nowhere/tokenizer.json");
        assertThatThrownBy(() -> new TeacherServer(TeacherServerConfig.from(settings(missing.toString()))).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setting 'kdstream.serve.tokenizer': cannot load the tokenizer '" + missing + "'");
    }

    private static JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return ServedJson.MAPPER.readTree(response.body());
    }

    private static int[] ids(JsonNode tokens) {
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).asInt();
        }
        return ids;
    }
}
