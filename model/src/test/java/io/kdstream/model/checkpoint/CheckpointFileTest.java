package io.kdstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kdstream.model.checkpoint.CheckpointException.Reason;
import io.kdstream.model.testing.TinyModels;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {

    private static final String FINGERPRINT = new CharTokenizer().fingerprint();
    private static final int[] IDS = {1, 40, 50, 60, 3, 70, 71, 2};

    private static DecoderLanguageModel model;

    @TempDir
    Path directory;

    @BeforeAll
    static void createModel() {
        model = DecoderLanguageModel.create(TinyModels.tiny(), 3);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void shouldRoundTripBitExactlyWithHeaderAndMetadata() throws IOException {
        Path path = directory.resolve("runs/a/step-10.ckpt");
        Map<String, String> metadata = Map.of("step", "10", "odd key=x:y", "line1\nline2 \u00e9 \\ # !");
        String sha = CheckpointFile.write(path, model, FINGERPRINT, metadata);

        assertThat(sha).matches("[0-9a-f]{64}").isEqualTo(CheckpointFile.sha256(path));
        assertThat(Files.readAllBytes(path)).startsWith("KDSTREAM-CHECKPOINT 1\n".getBytes(StandardCharsets.US_ASCII));
        try (LoadedCheckpoint loaded = CheckpointFile.read(path, sha, FINGERPRINT, model.config())) {
            assertThat(loaded.sha256()).isEqualTo(sha);
            assertThat(loaded.header().architecture()).isEqualTo(model.config());
            assertThat(loaded.header().tokenizerFingerprint()).isEqualTo(FINGERPRINT);
            assertThat(loaded.metadata()).isEqualTo(metadata);
            assertThat(logits(loaded.model())).containsExactly(logits(model));
            for (Pair<String, Parameter> parameter : loaded.model().block().getParameters()) {
                assertThat(parameter.getValue().getArray().hasGradient()).as(parameter.getKey()).isTrue();
            }
        }
        assertThat(CheckpointFile.readHeader(path).metadata()).isEqualTo(metadata);
    }

    @Test
    void shouldWriteTheSameBytesForTheSameModelAndLeaveNoTemporaryFiles() throws IOException {
        String first = CheckpointFile.write(directory.resolve("a.ckpt"), model, FINGERPRINT, Map.of("step", "1"));
        String second = CheckpointFile.write(directory.resolve("a.ckpt"), model, FINGERPRINT, Map.of("step", "1"));
        assertThat(second).isEqualTo(first);
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(directory.resolve("a.ckpt"));
        }
    }

    @Test
    void shouldRefuseMissingFile() {
        assertRefused(directory.resolve("nope.ckpt"), null, null, null, Reason.MISSING, "not found");
    }

    @Test
    void shouldRefuseWrongSha256NamingBoth() throws IOException {
        Path path = directory.resolve("a.ckpt");
        String sha = CheckpointFile.write(path, model, FINGERPRINT, Map.of());
        String wrong = "0".repeat(64);
        assertRefused(path, wrong, null, null, Reason.SHA256_MISMATCH, "expected " + wrong + ", actual " + sha);
    }

    @Test
    void shouldRefuseFileThatIsNotACheckpoint() throws IOException {
        Path path = directory.resolve("notes.txt");
        Files.writeString(path, "hello, this is not a model");
        assertRefused(path, null, null, null, Reason.NOT_A_CHECKPOINT, "not a kdstream checkpoint");
    }

    @Test
    void shouldRefuseTruncatedFiles() throws IOException {
        Path path = directory.resolve("a.ckpt");
        CheckpointFile.write(path, model, FINGERPRINT, Map.of());
        byte[] bytes = Files.readAllBytes(path);
        Path cut = directory.resolve("cut.ckpt");

        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        assertRefused(cut, null, null, null, Reason.TRUNCATED, "the file holds " + (bytes.length - 100 - headerEnd(bytes)));
        Files.write(cut, Arrays.copyOf(bytes, 40)); // inside the header
        assertRefused(cut, null, null, null, Reason.TRUNCATED, "truncated");
        Files.write(cut, Arrays.copyOf(bytes, 10)); // inside the magic line
        assertRefused(cut, null, null, null, Reason.TRUNCATED, "shorter than the magic line");
    }

    @Test
    void shouldRefuseTrailingBytes() throws IOException {
        Path path = directory.resolve("a.ckpt");
        CheckpointFile.write(path, model, FINGERPRINT, Map.of());
        Files.write(path, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertRefused(path, null, null, null, Reason.CORRUPT, "3 unexpected bytes");
    }

    @Test
    void shouldRefuseOtherTokenizerNamingBoth() throws IOException {
        Path path = directory.resolve("a.ckpt");
        CheckpointFile.write(path, model, "char-v0:0123456789abcdef", Map.of());
        assertRefused(path, null, FINGERPRINT, null, Reason.TOKENIZER_MISMATCH,
                "expected " + FINGERPRINT + ", found char-v0:0123456789abcdef");
    }

    @Test
    void shouldRefuseOtherArchitecture() throws IOException {
        Path path = directory.resolve("a.ckpt");
        CheckpointFile.write(path, model, FINGERPRINT, Map.of());
        TransformerConfig other = new TransformerConfig(100, 24, 32, 2, 3, 64);
        assertRefused(path, null, null, other, Reason.ARCHITECTURE_MISMATCH, "layers=3");
    }

    private static void assertRefused(Path path, String sha, String fingerprint, TransformerConfig architecture,
                                      Reason reason, String messagePart) {
        assertThatThrownBy(() -> CheckpointFile.read(path, sha, fingerprint, architecture).close())
                .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }

    private static int headerEnd(byte[] bytes) {
        int magic = "KDSTREAM-CHECKPOINT 1\n".length();
        int length = ((bytes[magic] & 0xff) << 24) | ((bytes[magic + 1] & 0xff) << 16)
                | ((bytes[magic + 2] & 0xff) << 8) | (bytes[magic + 3] & 0xff);
        return magic + 4 + length;
    }

    private static float[] logits(DecoderLanguageModel m) {
        try (NDManager scope = m.manager().newSubManager()) {
            return m.logits(scope, scope.create(IDS, new Shape(1, IDS.length)), false).toFloatArray();
        }
    }
}
