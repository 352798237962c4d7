package io.kdstream.teacher.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.topk.TopKExtractor;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.teacher.TeacherWorkerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A teacher loaded from its checkpoint: runs forward passes and keeps each position's top-K logits and full
 * log-sum-exp. Its fingerprint hashes the model id, revision and checkpoint SHA-256 (which covers the weights).
 */
public final class TeacherModel implements AutoCloseable {

    private final LoadedCheckpoint checkpoint;
    private final TeacherIdentity identity;

    private TeacherModel(LoadedCheckpoint checkpoint, TeacherIdentity identity) {
        this.checkpoint = checkpoint;
        this.identity = identity;
    }

    public static TeacherModel load(Path file, String modelId, String revision, Tokenizer tokenizer, Device device) throws CheckpointException {
        LoadedCheckpoint loaded = CheckpointFile.read(file, null, tokenizer.fingerprint(), null, device);
        return new TeacherModel(loaded, new TeacherIdentity(modelId, revision, fingerprint(modelId, revision, loaded.sha256())));
    }

    /** The fingerprint of the teacher a worker with this config serves, without loading the model. */
    public static String fingerprintOf(TeacherWorkerConfig config) throws IOException {
        return fingerprint(config.modelId(), config.revision(), CheckpointFile.sha256(config.checkpoint()));
    }

    public static String fingerprint(String modelId, String revision, String checkpointSha256) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((modelId + "\n" + revision + "\n" + checkpointSha256).getBytes(StandardCharsets.UTF_8));
            return "teacher-" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    public TeacherIdentity identity() {
        return identity;
    }

    /** The device the teacher runs on, as records name it ({@code cpu()}, {@code gpu(0)}). */
    public String device() {
        return checkpoint.model().manager().getDevice().toString();
    }

    public int contextLength() {
        return checkpoint.model().config().contextLength();
    }

    public int vocabularySize() {
        return checkpoint.model().config().vocabularySize();
    }

    /**
     * Top-K of every position that predicts a next token (sequence length - 1 positions) for each sequence, in
     * one right-padded forward pass.
     */
    public List<TopKLogits> topK(List<int[]> sequences, int k) {
        int rows = sequences.size();
        int width = sequences.stream().mapToInt(s -> s.length).max().orElseThrow();
        int[] flat = new int[rows * width];
        int[] positions = new int[rows];
        for (int row = 0; row < rows; row++) {
            int[] sequence = sequences.get(row);
            System.arraycopy(sequence, 0, flat, row * width, sequence.length);
            positions[row] = sequence.length - 1;
        }
        try (NDManager scope = checkpoint.model().manager().newSubManager()) {
            NDArray tokens = scope.create(flat, new Shape(rows, width));
            NDArray logits = checkpoint.model().logits(scope, tokens, false);
            return TopKExtractor.extract(logits, k, positions);
        }
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
