package io.kdstream.trainer.cache;

import io.kdstream.model.checkpoint.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the local cache has committed: the shard bytes that hold complete, checksummed entries, and the topic
 * position they cover (the next offset per partition). Anything in the shards past this is an unfinished write and
 * is cut off when the cache is opened; the topic is read again from {@code nextOffsets}.
 *
 * @param cacheId a new random id each time the cache is built from nothing, so a checkpoint can tell whether its
 *     entry numbers still mean the same entries
 * @param teacherFingerprint the teacher whose records the cache holds ("" until the first one is seen)
 * @param tokenizerFingerprint the tokenizer the cached records were made with
 * @param entries committed entries, over all shards
 * @param shards shard files in use; all but the last are complete
 * @param lastShardBytes committed bytes of the last shard
 */
record CachePosition(String cacheId, String teacherFingerprint, String tokenizerFingerprint, long entries, int shards,
                     long lastShardBytes, Map<Integer, Long> nextOffsets) {

    static final String FILE_NAME = "position.properties";
    private static final String FORMAT = "1";

    void write(Path directory) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("format", FORMAT);
        properties.setProperty("cache.id", cacheId);
        properties.setProperty("teacher.fingerprint", teacherFingerprint);
        properties.setProperty("tokenizer.fingerprint", tokenizerFingerprint);
        properties.setProperty("entries", Long.toString(entries));
        properties.setProperty("shards", Integer.toString(shards));
        properties.setProperty("last.shard.bytes", Long.toString(lastShardBytes));
        nextOffsets.forEach((partition, offset) -> properties.setProperty("offset." + partition, Long.toString(offset)));
        AtomicFiles.write(directory.resolve(FILE_NAME), out -> properties.store(out, "kdstream trainer cache position"));
    }

    /** The committed position, or null when the directory has none (a new cache). */
    static CachePosition read(Path directory) throws CacheCorruptException {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
        } catch (IOException | IllegalArgumentException e) {
            throw new CacheCorruptException(file + " cannot be read: " + e, e);
        }
        try {
            if (!FORMAT.equals(properties.getProperty("format"))) {
                throw new CacheCorruptException(file + " has format " + properties.getProperty("format") + "; this trainer reads " + FORMAT);
            }
            Map<Integer, Long> offsets = new TreeMap<>();
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith("offset.")) {
                    offsets.put(Integer.parseInt(key.substring("offset.".length())), Long.parseLong(properties.getProperty(key)));
                }
            }
            return new CachePosition(required(properties, "cache.id", file), required(properties, "teacher.fingerprint", file),
                    required(properties, "tokenizer.fingerprint", file), Long.parseLong(required(properties, "entries", file)),
                    Integer.parseInt(required(properties, "shards", file)), Long.parseLong(required(properties, "last.shard.bytes", file)),
                    offsets);
        } catch (NumberFormatException e) {
            throw new CacheCorruptException(file + " holds a malformed number: " + e.getMessage(), e);
        }
    }

    private static String required(Properties properties, String key, Path file) throws CacheCorruptException {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new CacheCorruptException(file + " lacks '" + key + "'");
        }
        return value;
    }
}
