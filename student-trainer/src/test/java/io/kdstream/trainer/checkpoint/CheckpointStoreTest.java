package io.kdstream.trainer.checkpoint;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.trainer.sampling.SamplerState;
import io.kdstream.trainer.training.StepMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointStoreTest {

    private static final CharTokenizer TOKENIZER = new CharTokenizer();
    private static final TransformerConfig ARCHITECTURE = TransformerConfig.student(TOKENIZER.vocabularySize());

    private static TrainingState state(long step) {
        return new TrainingState(step, step * 100, null, null, "cache-1", 40, Map.of(0, 12L, 1, 9L),
                Map.of("kdWeight", "1.0", "freshShare", "0.25"), new byte[] {1, 2, 3, (byte) step},
                new SamplerState(step * 31, 1, 17, 40, new int[] {3, 5, 8}, -1), new StepMetrics(step, 1.5, 1.0, 1.25, 64, 12), 640.0);
    }

    private static void flipLastByte(Path file) throws Exception {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(raw.length() - 1);
            int last = raw.read();
            raw.seek(raw.length() - 1);
            raw.write(last ^ 1);
        }
    }

    @Test
    void shouldResumeFromTheNewestCheckpointWithEverythingItSaved(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        try (DecoderLanguageModel model = DecoderLanguageModel.create(ARCHITECTURE, 1)) {
            store.write(model, TOKENIZER.fingerprint(), Map.of("step", "10"), state(10));
            store.write(model, TOKENIZER.fingerprint(), Map.of("step", "20"), state(20));
        }
        Optional<CheckpointStore.Resumable> resumable = store.newestValid(TOKENIZER.fingerprint(), ARCHITECTURE, refusal -> {
            throw new AssertionError("nothing should be refused: " + refusal);
        });
        assertThat(resumable).isPresent();
        try (var model = resumable.get().model()) {
            TrainingState state = resumable.get().state();
            assertThat(state.step()).isEqualTo(20);
            assertThat(state.tokensSeen()).isEqualTo(2000);
            assertThat(state.modelFile()).isEqualTo("step-00000020.ckpt");
            assertThat(state.modelSha256()).isEqualTo(model.sha256());
            assertThat(state.cacheOffsets()).isEqualTo(Map.of(0, 12L, 1, 9L));
            assertThat(state.settings()).isEqualTo(Map.of("kdWeight", "1.0", "freshShare", "0.25"));
            assertThat(state.optimizer()).containsExactly(1, 2, 3, 20);
            assertThat(state.sampler().random()).isEqualTo(620);
            assertThat(state.sampler().buffer()).containsExactly(3, 5, 8);
        }
    }

    @Test
    void shouldReportACorruptNewestCheckpointAndUseTheOneBefore(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        try (DecoderLanguageModel model = DecoderLanguageModel.create(ARCHITECTURE, 1)) {
            store.write(model, TOKENIZER.fingerprint(), Map.of(), state(10));
            store.write(model, TOKENIZER.fingerprint(), Map.of(), state(20));
            store.write(model, TOKENIZER.fingerprint(), Map.of(), state(30));
        }
        flipLastByte(dir.resolve("step-00000030.state"));
        flipLastByte(dir.resolve("step-00000020.ckpt"));
        List<String> refusals = new ArrayList<>();
        Optional<CheckpointStore.Resumable> resumable = store.newestValid(TOKENIZER.fingerprint(), ARCHITECTURE, refusals::add);
        assertThat(resumable).isPresent();
        resumable.get().model().close();
        assertThat(resumable.get().state().step()).isEqualTo(10);
        assertThat(refusals).satisfiesExactly(
                first -> assertThat(first).contains("step-00000030.state").contains("SHA-256"),
                second -> assertThat(second).contains("step-00000020.ckpt").contains("SHA-256"));
    }

    @Test
    void shouldIgnoreAModelFileWhoseStateWasNeverWrittenAndFindNothingInAnEmptyDirectory(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("run"));
        assertThat(store.newestValid(TOKENIZER.fingerprint(), ARCHITECTURE, refusal -> { })).isEmpty();
        try (DecoderLanguageModel model = DecoderLanguageModel.create(ARCHITECTURE, 1)) {
            store.write(model, TOKENIZER.fingerprint(), Map.of(), state(10));
            store.write(model, TOKENIZER.fingerprint(), Map.of(), state(20));
        }
        Files.delete(dir.resolve("run/step-00000020.state")); // a crash between the model file and the state file
        Optional<CheckpointStore.Resumable> resumable = store.newestValid(TOKENIZER.fingerprint(), ARCHITECTURE, refusal -> { });
        assertThat(resumable).isPresent();
        resumable.get().model().close();
        assertThat(resumable.get().state().step()).isEqualTo(10);
    }
}
