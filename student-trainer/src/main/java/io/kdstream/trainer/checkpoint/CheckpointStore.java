package io.kdstream.trainer.checkpoint;

import io.kdstream.model.checkpoint.AtomicFiles;
import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run's checkpoints in one directory: {@code step-N.ckpt} (the model, what evaluators load) and
 * {@code step-N.state} (the {@link TrainingState}). The model file is written first and the state file last, both
 * atomically, so a state file is the mark of a complete checkpoint; a crash between the two leaves a model file that
 * is not resumed from.
 */
public final class CheckpointStore {

    private static final Pattern STATE_FILE = Pattern.compile("step-(\\d+)\\.state");

    private final Path directory;

    public CheckpointStore(Path directory) {
        this.directory = directory;
    }

    /** A checkpoint that was written: the model file and its SHA-256. */
    public record Written(Path modelFile, String sha256) {
    }

    /** A checkpoint to resume from: its training state and its loaded model (the caller closes it). */
    public record Resumable(TrainingState state, LoadedCheckpoint model) {
    }

    /** Deletes the temporary files of writes that a stop cut short (a killed trainer's); returns their names. */
    public List<String> removeLeftovers() throws IOException {
        return AtomicFiles.removeLeftovers(directory);
    }

    /** A complete, resumable checkpoint: the model file, then the state file that marks it complete. */
    public Written write(DecoderLanguageModel model, String tokenizerFingerprint, Map<String, String> metadata, TrainingState state)
            throws IOException {
        Written written = writeModel(model, tokenizerFingerprint, metadata, state.step());
        TrainingStateFile.write(directory.resolve(baseName(state.step()) + ".state"),
                state.withModel(written.modelFile().getFileName().toString(), written.sha256()));
        return written;
    }

    /** The model file alone: what evaluators load; without a state file it is never resumed from. */
    public Written writeModel(DecoderLanguageModel model, String tokenizerFingerprint, Map<String, String> metadata, long step)
            throws IOException {
        Path modelFile = directory.resolve(baseName(step) + ".ckpt");
        return new Written(modelFile, CheckpointFile.write(modelFile, model, tokenizerFingerprint, metadata));
    }

    private static String baseName(long step) {
        return String.format("step-%08d", step);
    }

    /**
     * The newest checkpoint whose state and model both check out (hash, tokenizer, architecture); each newer one that
     * does not is reported to {@code refused} with the reason, and the one before it is tried.
     */
    public Optional<Resumable> newestValid(String tokenizerFingerprint, TransformerConfig architecture, Consumer<String> refused)
            throws IOException {
        for (Path stateFile : stateFilesNewestFirst()) {
            try {
                TrainingState state = TrainingStateFile.read(stateFile);
                LoadedCheckpoint model = CheckpointFile.read(directory.resolve(state.modelFile()), state.modelSha256(),
                        tokenizerFingerprint, architecture);
                return Optional.of(new Resumable(state, model));
            } catch (CheckpointException e) {
                refused.accept(e.getMessage());
            }
        }
        return Optional.empty();
    }

    private List<Path> stateFilesNewestFirst() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> STATE_FILE.matcher(file.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf).reversed())
                    .toList();
        }
    }

    private static long stepOf(Path stateFile) {
        Matcher matcher = STATE_FILE.matcher(stateFile.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(stateFile + " is not a state file");
        }
        return Long.parseLong(matcher.group(1));
    }
}
