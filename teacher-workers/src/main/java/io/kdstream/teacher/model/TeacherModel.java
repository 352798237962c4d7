package io.kdstream.teacher.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.topk.TopKExtractor;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.teacher.backend.SampledProposal;
import io.kdstream.teacher.backend.SamplingTeacher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/**
 * A teacher loaded from its checkpoint, the in-process backend: runs forward passes and keeps each position's top-K
 * logits and full log-sum-exp. Its fingerprint hashes the model id, revision and checkpoint SHA-256 (which covers
 * the weights). Not thread-safe: one thread runs its forward passes.
 */
public final class TeacherModel implements SamplingTeacher {

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

    public static String fingerprint(String modelId, String revision, String checkpointSha256) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((modelId + "\n" + revision + "\n" + checkpointSha256).getBytes(StandardCharsets.UTF_8));
            return "teacher-" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    @Override
    public TeacherIdentity identity() {
        return identity;
    }

    /** The device the teacher runs on, as records name it ({@code cpu()}, {@code gpu(0)}). */
    @Override
    public String device() {
        return checkpoint.model().manager().getDevice().toString();
    }

    @Override
    public OptionalInt contextLength() {
        return OptionalInt.of(checkpoint.model().config().contextLength());
    }

    @Override
    public int vocabularySize() {
        return checkpoint.model().config().vocabularySize();
    }

    @Override
    public ValueKind valueKind() {
        return ValueKind.RAW_LOGITS;
    }

    /**
     * Top-K of every position that predicts a next token (sequence length - 1 positions) for each sequence, in
     * one right-padded forward pass.
     */
    @Override
    public List<TopKLogits> topK(List<int[]> sequences, int k) {
        return forward(sequences, (logits, positions) -> TopKExtractor.extract(logits, k, positions));
    }

    /** Draws from each position's full distribution, one sequence's logits copied to the heap at a time. */
    @Override
    public List<List<SampledTokens>> sample(List<int[]> sequences, List<String> promptIds, SampledProposal proposal) {
        int vocabularySize = vocabularySize();
        return forward(sequences, (logits, positions) -> {
            List<List<SampledTokens>> sampled = new ArrayList<>(positions.length);
            for (int row = 0; row < positions.length; row++) {
                float[] rowLogits = logits.get(row).toFloatArray();
                List<SampledTokens> drawn = new ArrayList<>(positions[row]);
                for (int p = 0; p < positions[row]; p++) {
                    drawn.add(SampledTokens.draw(rowLogits, p * vocabularySize, vocabularySize, proposal.draws(), proposal.temperature(),
                            SampledTokens.seed(promptIds.get(row), p)));
                }
                sampled.add(drawn);
            }
            return sampled;
        });
    }

    /**
     * What a model server answers besides the top-K: at each position, the logit of the token that follows and its
     * rank in the vocabulary (1 = the largest; vLLM's prompt log-probabilities hold the actual token too), and the
     * greedy token after the whole sequence (what a completion of one token gives).
     */
    public record Scored(TopKLogits topK, float[] targetLogits, int[] targetRanks, int nextToken) {
    }

    /** {@link #topK} plus each position's actual next token and the greedy one after the sequence, in one forward pass. */
    public List<Scored> score(List<int[]> sequences, int k) {
        return forward(sequences, (logits, positions) -> {
            int[] lengths = Arrays.stream(positions).map(p -> p + 1).toArray();
            List<TopKLogits> withLast = TopKExtractor.extract(logits, k, lengths);
            long[] shape = logits.getShape().getShape();
            int rows = (int) shape[0];
            int width = (int) shape[1];
            int[] next = new int[rows * width];
            for (int row = 0; row < rows; row++) {
                int[] sequence = sequences.get(row);
                System.arraycopy(sequence, 1, next, row * width, sequence.length - 1);
            }
            NDArray targets = logits.getManager().create(next, new Shape(rows, width, 1)).toType(DataType.INT64, false);
            NDArray targetLogits = logits.gather(targets, -1);
            float[] values = targetLogits.squeeze(-1).toFloatArray();
            int[] ranks = logits.gt(targetLogits).sum(new int[] {-1}).toType(DataType.INT32, false).toIntArray();
            List<Scored> scored = new ArrayList<>(rows);
            for (int row = 0; row < rows; row++) {
                int[] rowRanks = new int[positions[row]];
                for (int p = 0; p < rowRanks.length; p++) {
                    rowRanks[p] = ranks[row * width + p] + 1;
                }
                TopKLogits all = withLast.get(row);
                scored.add(new Scored(all.head(positions[row]), Arrays.copyOfRange(values, row * width, row * width + positions[row]),
                        rowRanks, all.id(positions[row], 0)));
            }
            return scored;
        });
    }

    /** One right-padded forward pass; {@code use} gets the logits (B,T,V) and each row's positions to read. */
    private <T> T forward(List<int[]> sequences, BiFunction<NDArray, int[], T> use) {
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
            return use.apply(checkpoint.model().logits(scope, tokens, false), positions);
        }
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
