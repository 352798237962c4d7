package io.kdstream.model.checkpoint;

import io.kdstream.model.transformer.TransformerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The checkpoint header as {@code java.util.Properties} text in UTF-8.
 *
 * <p>{@code Properties.store} writes a timestamp and hash-ordered keys; the header is written here instead with keys
 * in sorted order and no comment, so the same model and metadata always give the same bytes and the same SHA-256.
 * Each entry is still escaped by {@code Properties} itself, so {@code Properties.load} reads it back exactly.
 */
final class HeaderCodec {

    static final String FORMAT_KEY = "checkpoint.format";
    static final String FORMAT_VERSION = "1";
    static final String TOKENIZER_KEY = "tokenizer.fingerprint";
    static final String PARAMETER_BYTES_KEY = "parameters.bytes";
    /** The caller's metadata keys are namespaced so they cannot overwrite the fields above. */
    static final String METADATA_PREFIX = "meta.";

    private HeaderCodec() {
    }

    static byte[] encode(CheckpointHeader header) {
        Map<String, String> entries = new TreeMap<>();
        header.architecture().toProperties().forEach((k, v) -> entries.put((String) k, (String) v));
        entries.put(FORMAT_KEY, FORMAT_VERSION);
        entries.put(TOKENIZER_KEY, header.tokenizerFingerprint());
        entries.put(PARAMETER_BYTES_KEY, Long.toString(header.parameterBytes()));
        header.metadata().forEach((k, v) -> entries.put(METADATA_PREFIX + k, v));

        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            text.append(escapedLine(entry.getKey(), entry.getValue())).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses header bytes; a malformed header throws {@link IllegalArgumentException} naming the problem. */
    static CheckpointHeader decode(byte[] bytes) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("header is not readable as properties: " + e.getMessage(), e);
        }
        String format = properties.getProperty(FORMAT_KEY);
        if (!FORMAT_VERSION.equals(format)) {
            throw new IllegalArgumentException("header has " + FORMAT_KEY + "=" + format + ", expected " + FORMAT_VERSION);
        }
        String fingerprint = properties.getProperty(TOKENIZER_KEY);
        if (fingerprint == null || fingerprint.isEmpty()) {
            throw new IllegalArgumentException("header has no " + TOKENIZER_KEY);
        }
        long parameterBytes;
        try {
            parameterBytes = Long.parseLong(properties.getProperty(PARAMETER_BYTES_KEY, "").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("header has no valid " + PARAMETER_BYTES_KEY, e);
        }
        if (parameterBytes < 0) {
            throw new IllegalArgumentException("header has negative " + PARAMETER_BYTES_KEY + " " + parameterBytes);
        }
        TransformerConfig architecture = TransformerConfig.fromProperties(properties);
        Map<String, String> metadata = new LinkedHashMap<>();
        new TreeMap<>(properties).forEach((k, v) -> {
            String key = (String) k;
            if (key.startsWith(METADATA_PREFIX)) {
                metadata.put(key.substring(METADATA_PREFIX.length()), (String) v);
            }
        });
        return new CheckpointHeader(architecture, fingerprint, metadata, parameterBytes);
    }

    private static String escapedLine(String key, String value) {
        Properties single = new Properties();
        single.setProperty(key, value);
        StringWriter out = new StringWriter();
        try {
            single.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        // store() writes a "#<date>" line first, then exactly one escaped key=value line
        for (String line : out.toString().split("\\R")) {
            if (!line.startsWith("#") && !line.isEmpty()) {
                return line;
            }
        }
        throw new IllegalStateException("Properties.store wrote no entry for key " + key);
    }
}
