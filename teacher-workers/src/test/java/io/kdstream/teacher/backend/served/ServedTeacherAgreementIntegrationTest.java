package io.kdstream.teacher.backend.served;

import io.kdstream.model.testing.Qwen3TokenizerFiles;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizerMismatchException;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.backend.TeacherBackend;
import io.kdstream.teacher.backend.TeacherRejectedException;
import io.kdstream.teacher.serve.TeacherServer;
import io.kdstream.teacher.testing.ServedTeachers;
import io.kdstream.teacher.testing.TeacherFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One teacher four ways, over real HTTP to a real {@code serve-teacher}: in this JVM, served as vLLM, served as SGLang,
 * and the replies recorded in {@code src/test/resources/served} in the exact shapes of vLLM's
 * {@code CompletionResponse} (every field of its protocol classes, the prompt's actual token first in each map, Python's
 * float repr) and SGLang's {@code /generate} reply, holding this teacher's numbers for one sequence at K=4. All give
 * the same top-K ids and the same log-probabilities.
 */
class ServedTeacherAgreementIntegrationTest {

    private static final int K = 4;
    private static final CharTokenizer TOKENIZER = new CharTokenizer();
    /** The sequence the fixtures were recorded for. */
    private static final int[] FIXTURE_SEQUENCE = TOKENIZER.encodeExample("What is 2+3?", "5 #### 5").tokens();

    @TempDir
    static Path dir;
    private static Path checkpoint;
    private static TeacherServer server;

    @BeforeAll
    static void serve() throws Exception {
        checkpoint = TeacherFixtures.untrainedTeacher(dir, 3);
        server = ServedTeachers.start(checkpoint, 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TeacherBackend open(Map<String, String> extra) throws Exception {
        return TeacherBackends.open(TeacherWorkerConfig.from(Settings.of(extra)), TOKENIZER);
    }

    private static TeacherBackend served(String api) throws Exception {
        return open(ServedTeachers.workerSettings(api, server.url()));
    }

    @Test
    void shouldGiveTheInProcessTopKThroughBothApisAndTheRecordedReplies() throws Exception {
        List<int[]> sequences = List.of(FIXTURE_SEQUENCE, TOKENIZER.encodeExample("What is 40-13?", "27 #### 27").tokens(),
                TOKENIZER.encodeExample("Add 7 and 8.", "15 #### 15").tokens());
        List<TopKLogits> inProcess;
        try (TeacherBackend teacher = open(Map.of("kdstream.teacher.checkpoint", checkpoint.toString(), "kdstream.teacher.device", "cpu"))) {
            assertThat(teacher.valueKind()).isEqualTo(ValueKind.RAW_LOGITS);
            inProcess = teacher.topK(sequences, K);
        }
        for (String api : List.of("vllm", "sglang")) {
            try (TeacherBackend teacher = served(api)) {
                assertThat(teacher.valueKind()).isEqualTo(ValueKind.LOG_PROBS);
                assertThat(teacher.device()).isEqualTo(api + " " + server.url());
                List<TopKLogits> served = teacher.topK(sequences, K);
                for (int i = 0; i < sequences.size(); i++) {
                    assertSameLogProbs(served.get(i), inProcess.get(i), api + " sequence " + i);
                }
            }
        }
        assertSameLogProbs(VllmCompletions.INSTANCE.topK(fixture("vllm-completions-prompt-logprobs.json"), FIXTURE_SEQUENCE, K),
                inProcess.get(0), "vLLM fixture");
        assertSameLogProbs(SglangGenerate.INSTANCE.topK(fixture("sglang-generate-input-top-logprobs.json"), FIXTURE_SEQUENCE, K),
                inProcess.get(0), "SGLang fixture");
    }

    @Test
    void shouldFingerprintTheServedModelItsRevisionAndTheTokenizer() throws Exception {
        try (TeacherBackend vllm = served("vllm"); TeacherBackend sglang = served("sglang")) {
            assertThat(vllm.identity().getModelId()).isEqualTo(ServedTeachers.MODEL);
            assertThat(vllm.identity().getRevision()).startsWith("sha256:"); // serve-teacher names its weights by their hash
            assertThat(sglang.identity()).isEqualTo(vllm.identity()); // one model, one tokenizer, one kind of number
        }
        Map<String, String> raw = ServedTeachers.workerSettings("vllm", server.url());
        Map<String, String> processed = new HashMap<>(raw);
        processed.put("kdstream.teacher.served.logprobs.mode", "processed_logprobs");
        try (TeacherBackend a = open(raw); TeacherBackend b = open(processed)) {
            assertThat(a.identity().getFingerprint()).isNotEqualTo(b.identity().getFingerprint());
        }
    }

    @Test
    void shouldRefuseAWorkerWhoseTokenizerGivesOtherIds() {
        Map<String, String> qwen3Worker = new HashMap<>(ServedTeachers.workerSettings("vllm", server.url()));
        qwen3Worker.put("kdstream.teacher.tokenizer", Qwen3TokenizerFiles.tokenizerJson().toString());
        TeacherWorkerConfig config = TeacherWorkerConfig.from(Settings.of(qwen3Worker));
        assertThatThrownBy(() -> TeacherBackends.open(config, Tokenizers.load(config.tokenizer())))
                .isInstanceOf(TokenizerMismatchException.class)
                .hasMessageContaining("the teacher at " + server.url())
                .hasMessageContaining("'Hello world, knowledge distillation!'")
                .hasMessageContaining("[9707, 1879, 11, 6540, 1582, 66084, 0] here");
    }

    @Test
    void shouldPassOnTheServersRefusalOfAKAboveItsLimit() throws Exception {
        try (TeacherBackend teacher = served("vllm")) {
            assertThatThrownBy(() -> teacher.topK(List.of(FIXTURE_SEQUENCE), ServedTeachers.MAX_LOGPROBS + 1))
                    .isInstanceOf(TeacherRejectedException.class)
                    .hasMessageContaining("Requested prompt logprobs of 21, which is greater than max allowed: 20");
        }
    }

    private static void assertSameLogProbs(TopKLogits actual, TopKLogits inProcess, String what) {
        assertThat(actual.positions()).as(what).isEqualTo(inProcess.positions());
        assertThat(actual.ids()).as(what + " ids").isEqualTo(inProcess.ids());
        for (int p = 0; p < inProcess.positions(); p++) {
            for (int r = 0; r < K; r++) {
                assertThat(actual.logProbability(p, r)).as(what + " position " + p + " rank " + r)
                        .isCloseTo(inProcess.logProbability(p, r), org.assertj.core.api.Assertions.within(1e-5));
            }
        }
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ServedTeacherAgreementIntegrationTest.class.getResourceAsStream("/served/" + name)) {
            return in.readAllBytes();
        }
    }
}
