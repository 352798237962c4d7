package io.kdstream.trainer.checkpoint;

import io.kdstream.model.checkpoint.AtomicFiles;
import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointException.Reason;
import io.kdstream.trainer.sampling.SamplerState;
import io.kdstream.trainer.training.StepMetrics;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The file a {@link TrainingState} is kept in:
 * <pre>
 *   "KDSTREAM-TRAINER-STATE 1\n"
 *   int32 length, java.util.Properties text   step, tokens, model file and hash, cache id, entries, offsets, settings,
 *                                             the last step's losses and the training rate
 *   int32 length, optimizer state bytes
 *   int32 length, sampler state bytes
 *   32 bytes                                  SHA-256 of everything before
 * </pre>
 * Written atomically; a file that is cut short or altered fails its hash and is refused.
 */
final class TrainingStateFile {

    private static final byte[] MAGIC = "KDSTREAM-TRAINER-STATE 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final String SETTING = "setting.";
    private static final String OFFSET = "offset.";
    /** The checkpoint's last step, for its announcement; absent from state files written before it was kept. */
    private static final String LAST_STEP = "last.step.";

    private TrainingStateFile() {
    }

    static void write(Path path, TrainingState state) throws IOException {
        Properties header = new Properties();
        header.setProperty("step", Long.toString(state.step()));
        header.setProperty("tokens.seen", Long.toString(state.tokensSeen()));
        header.setProperty("model.file", state.modelFile());
        header.setProperty("model.sha256", state.modelSha256());
        header.setProperty("cache.id", state.cacheId());
        header.setProperty("cache.entries", Integer.toString(state.cacheEntries()));
        state.cacheOffsets().forEach((partition, offset) -> header.setProperty(OFFSET + partition, Long.toString(offset)));
        state.settings().forEach((key, value) -> header.setProperty(SETTING + key, value));
        if (state.lastStep() != null) {
            StepMetrics last = state.lastStep();
            header.setProperty(LAST_STEP + "total.loss", Double.toString(last.totalLoss()));
            header.setProperty(LAST_STEP + "kd.loss", Double.toString(last.kdLoss()));
            header.setProperty(LAST_STEP + "ce.loss", Double.toString(last.ceLoss()));
            header.setProperty(LAST_STEP + "tokens", Long.toString(last.tokens()));
            header.setProperty(LAST_STEP + "millis", Long.toString(last.millis()));
        }
        header.setProperty("tokens.per.second", Double.toString(state.tokensPerSecond()));
        StringWriter text = new StringWriter();
        header.store(text, null);

        ByteArrayOutputStream sampler = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(sampler)) {
            state.sampler().write(out);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(body)) {
            out.write(MAGIC);
            writeBlock(out, text.toString().getBytes(StandardCharsets.UTF_8));
            writeBlock(out, state.optimizer());
            writeBlock(out, sampler.toByteArray());
        }
        byte[] bytes = body.toByteArray();
        byte[] hash = sha256(bytes, bytes.length);
        AtomicFiles.write(path, out -> {
            out.write(bytes);
            out.write(hash);
        });
    }

    static TrainingState read(Path path) throws CheckpointException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(Reason.MISSING, "training state " + path + " does not exist", e);
        } catch (IOException e) {
            throw new CheckpointException(Reason.CORRUPT, "training state " + path + " cannot be read: " + e, e);
        }
        if (bytes.length < MAGIC.length + 32 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CheckpointException(Reason.NOT_A_CHECKPOINT, path + " is not a kdstream training state file");
        }
        int bodyLength = bytes.length - 32;
        if (!Arrays.equals(sha256(bytes, bodyLength), 0, 32, bytes, bodyLength, bytes.length)) {
            throw new CheckpointException(Reason.SHA256_MISMATCH, "training state " + path
                    + " fails its SHA-256: the file was cut short or altered");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length, bodyLength - MAGIC.length))) {
            Properties header = new Properties();
            header.load(new StringReader(new String(readBlock(in), StandardCharsets.UTF_8)));
            byte[] optimizer = readBlock(in);
            SamplerState sampler = SamplerState.read(new DataInputStream(new ByteArrayInputStream(readBlock(in))));
            Map<Integer, Long> offsets = new TreeMap<>();
            Map<String, String> settings = new TreeMap<>();
            for (String key : header.stringPropertyNames()) {
                if (key.startsWith(OFFSET)) {
                    offsets.put(Integer.parseInt(key.substring(OFFSET.length())), Long.parseLong(header.getProperty(key)));
                } else if (key.startsWith(SETTING)) {
                    settings.put(key.substring(SETTING.length()), header.getProperty(key));
                }
            }
            long step = Long.parseLong(required(header, "step"));
            StepMetrics lastStep = header.getProperty(LAST_STEP + "total.loss") == null ? null : new StepMetrics(step,
                    Double.parseDouble(required(header, LAST_STEP + "total.loss")), Double.parseDouble(required(header, LAST_STEP + "kd.loss")),
                    Double.parseDouble(required(header, LAST_STEP + "ce.loss")), Long.parseLong(required(header, LAST_STEP + "tokens")),
                    Long.parseLong(required(header, LAST_STEP + "millis")));
            return new TrainingState(step, Long.parseLong(required(header, "tokens.seen")),
                    required(header, "model.file"), required(header, "model.sha256"), required(header, "cache.id"),
                    Integer.parseInt(required(header, "cache.entries")), offsets, settings, optimizer, sampler, lastStep,
                    Double.parseDouble(header.getProperty("tokens.per.second", "0")));
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(Reason.CORRUPT, "training state " + path + " is malformed: " + e.getMessage(), e);
        }
    }

    private static void writeBlock(DataOutputStream out, byte[] block) throws IOException {
        out.writeInt(block.length);
        out.write(block);
    }

    private static byte[] readBlock(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new EOFException("a block announces " + length + " bytes, " + in.available() + " remain");
        }
        return in.readNBytes(length);
    }

    private static String required(Properties header, String key) {
        String value = header.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value;
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
