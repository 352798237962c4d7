package io.kdstream.model.checkpoint;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import io.kdstream.model.checkpoint.CheckpointException.Reason;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * A checkpoint is one self-describing file:
 * <pre>
 *   "KDSTREAM-CHECKPOINT 1\n"                 magic line (ASCII)
 *   int32, big-endian                         header length N
 *   N bytes of UTF-8 java.util.Properties     model.* architecture, tokenizer.fingerprint, parameters.bytes,
 *                                             checkpoint.format, meta.* caller metadata (sorted, no timestamp)
 *   parameters.bytes bytes                    DJL Block.saveParameters output
 * </pre>
 * Writes are atomic ({@link AtomicFiles}: temp file in the same directory, fsync, atomic rename), so a reader sees the old file or the
 * complete new one, never a partial one. The same model and metadata always produce the same bytes.
 */
public final class CheckpointFile {

    static final byte[] MAGIC = "KDSTREAM-CHECKPOINT 1\n".getBytes(StandardCharsets.US_ASCII);
    /** Headers are a few hundred bytes; anything near this is a corrupt length, not a header. */
    static final int MAX_HEADER_BYTES = 16 << 20;

    private CheckpointFile() {
    }

    /**
     * Writes {@code model} to {@code path} atomically, creating parent directories.
     *
     * @param metadata extra String-to-String metadata (training config, step, ...), stored under {@code meta.}
     * @return the SHA-256 (hex) of the file written
     */
    public static String write(Path path, DecoderLanguageModel model, String tokenizerFingerprint,
                               Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(tokenizerFingerprint, "tokenizerFingerprint");
        metadata.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("checkpoint metadata may not hold null keys or values: " + k + "=" + v);
            }
        });
        ByteArrayOutputStream parameters = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(parameters)) {
            model.saveParameters(out);
        }
        byte[] header = HeaderCodec.encode(
                new CheckpointHeader(model.config(), tokenizerFingerprint, metadata, parameters.size()));

        MessageDigest digest = sha256Digest();
        AtomicFiles.write(path, raw -> {
            DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, digest));
            out.write(MAGIC);
            out.writeInt(header.length);
            out.write(header);
            parameters.writeTo(out);
            out.flush();
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Reads a checkpoint, checking its SHA-256 and tokenizer when expected values are given (null: not checked). */
    public static LoadedCheckpoint read(Path path, String expectedSha256, String expectedTokenizerFingerprint)
            throws CheckpointException {
        return read(path, expectedSha256, expectedTokenizerFingerprint, null);
    }

    /**
     * Reads a checkpoint and loads its model, refusing it with a {@link CheckpointException} that names the reason:
     * missing file, wrong SHA-256, not a checkpoint, truncated, corrupt, other tokenizer, or another architecture
     * than {@code expectedArchitecture} (null: any).
     */
    public static LoadedCheckpoint read(Path path, String expectedSha256, String expectedTokenizerFingerprint,
                                        TransformerConfig expectedArchitecture) throws CheckpointException {
        return read(path, expectedSha256, expectedTokenizerFingerprint, expectedArchitecture, Device.cpu());
    }

    /** As {@link #read(Path, String, String, TransformerConfig)}, loading the model onto {@code device}. */
    public static LoadedCheckpoint read(Path path, String expectedSha256, String expectedTokenizerFingerprint,
                                        TransformerConfig expectedArchitecture, Device device) throws CheckpointException {
        // One open file for hashing and parsing: if a writer atomically replaces the file meanwhile, this descriptor
        // still reads the old one, so the hash always describes the bytes that are loaded.
        try (FileChannel channel = open(path)) {
            String actualSha256 = sha256(Channels.newInputStream(channel));
            if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(actualSha256)) {
                throw new CheckpointException(Reason.SHA256_MISMATCH, "checkpoint " + path
                        + " has the wrong SHA-256: expected " + expectedSha256.toLowerCase() + ", actual " + actualSha256);
            }
            channel.position(0);
            long fileSize = channel.size();
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
            ParsedHeader parsed = parseHeader(path, in);
            CheckpointHeader header = parsed.header();
            checkExpectations(path, header, expectedTokenizerFingerprint, expectedArchitecture);

            long payload = fileSize - parsed.parametersOffset();
            if (payload < header.parameterBytes()) {
                throw new CheckpointException(Reason.TRUNCATED, "checkpoint " + path + " is truncated: the header announces "
                        + header.parameterBytes() + " bytes of parameters, the file holds " + payload);
            }
            if (payload > header.parameterBytes()) {
                throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path + " is corrupt: "
                        + (payload - header.parameterBytes()) + " unexpected bytes after the parameters");
            }
            DecoderLanguageModel model = loadModel(path, header, in, device);
            return new LoadedCheckpoint(path, actualSha256, header, model);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path + " could not be read: " + e, e);
        }
    }

    /** Reads only the header (architecture, tokenizer, metadata), without loading parameters. */
    public static CheckpointHeader readHeader(Path path) throws CheckpointException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
            return parseHeader(path, in).header();
        } catch (NoSuchFileException e) {
            throw missing(path);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path + " could not be read: " + e, e);
        }
    }

    /** SHA-256 (lower-case hex) of a file's bytes. */
    public static String sha256(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return sha256(in);
        }
    }

    /** SHA-256 (lower-case hex) of the rest of a stream; the stream is not closed. */
    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256Digest();
        new DigestInputStream(in, digest).transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static FileChannel open(Path path) throws CheckpointException {
        if (!Files.isRegularFile(path)) {
            throw missing(path);
        }
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw missing(path);
        } catch (IOException e) {
            throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path + " could not be opened: " + e, e);
        }
    }

    /** The header and where the parameters start. */
    private record ParsedHeader(CheckpointHeader header, long parametersOffset) {
    }

    private static ParsedHeader parseHeader(Path path, DataInputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            boolean prefix = magic.length < MAGIC.length && Arrays.equals(magic, Arrays.copyOf(MAGIC, magic.length));
            if (prefix) {
                throw new CheckpointException(Reason.TRUNCATED, "checkpoint " + path + " is truncated: "
                        + magic.length + " bytes, shorter than the magic line");
            }
            throw new CheckpointException(Reason.NOT_A_CHECKPOINT, "file " + path
                    + " is not a kdstream checkpoint: it does not start with the magic line 'KDSTREAM-CHECKPOINT 1'");
        }
        byte[] lengthBytes = in.readNBytes(4);
        if (lengthBytes.length < 4) {
            throw new CheckpointException(Reason.TRUNCATED, "checkpoint " + path + " is truncated: it ends before the header length");
        }
        int length = new DataInputStream(new ByteArrayInputStream(lengthBytes)).readInt();
        if (length <= 0 || length > MAX_HEADER_BYTES) {
            throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path + " is corrupt: header length " + length
                    + " is outside (0, " + MAX_HEADER_BYTES + "]");
        }
        byte[] header = in.readNBytes(length);
        if (header.length < length) {
            throw new CheckpointException(Reason.TRUNCATED, "checkpoint " + path + " is truncated: the header announces "
                    + length + " bytes, the file holds " + header.length);
        }
        try {
            return new ParsedHeader(HeaderCodec.decode(header), MAGIC.length + 4L + length);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path + " has a corrupt header: " + e.getMessage(), e);
        }
    }

    private static void checkExpectations(Path path, CheckpointHeader header, String expectedTokenizerFingerprint,
                                          TransformerConfig expectedArchitecture) throws CheckpointException {
        if (expectedTokenizerFingerprint != null && !expectedTokenizerFingerprint.equals(header.tokenizerFingerprint())) {
            throw new CheckpointException(Reason.TOKENIZER_MISMATCH, "checkpoint " + path
                    + " was trained with another tokenizer: expected " + expectedTokenizerFingerprint + ", found "
                    + header.tokenizerFingerprint());
        }
        if (expectedArchitecture != null && !expectedArchitecture.equals(header.architecture())) {
            throw new CheckpointException(Reason.ARCHITECTURE_MISMATCH, "checkpoint " + path
                    + " has another architecture: expected " + expectedArchitecture + ", found " + header.architecture());
        }
    }

    private static DecoderLanguageModel loadModel(Path path, CheckpointHeader header, DataInputStream in, Device device)
            throws CheckpointException {
        DecoderLanguageModel model = DecoderLanguageModel.create(header.architecture(), 0L, device);
        try {
            model.loadParameters(in);
            if (in.read() != -1) {
                throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path
                        + " is corrupt: the parameters end before the announced " + header.parameterBytes() + " bytes");
            }
            return model;
        } catch (CheckpointException e) {
            model.close();
            throw e;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new CheckpointException(Reason.CORRUPT, "checkpoint " + path
                    + " is corrupt: its parameters do not load into " + header.architecture() + ": " + e, e);
        }
    }

    private static CheckpointException missing(Path path) {
        return new CheckpointException(Reason.MISSING, "checkpoint file not found (or not a regular file): " + path);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
