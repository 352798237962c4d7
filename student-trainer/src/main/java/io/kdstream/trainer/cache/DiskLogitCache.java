package io.kdstream.trainer.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import io.kdstream.trainer.sampling.CachedEntries;

/**
 * The trainer's local copy of the logit cache topic: append-only shard files of checksummed entries
 * ({@link EntryFrames}), an index of them in memory, and a committed position ({@link CachePosition}) written
 * atomically after the shards are on disk. Entries are numbered in the order they were appended; a newer entry for a
 * prompt supersedes the older one (as compaction would), and a tombstone deletes the prompt.
 *
 * <p>One trainer at a time: the directory is locked while the cache is open. Not thread-safe.
 */
public final class DiskLogitCache implements CachedEntries, AutoCloseable {

    private static final String LOCK_FILE = "cache.lock";
    private static final String SHARD_PREFIX = "shard-";
    private static final String SHARD_SUFFIX = ".log";
    /** Large enough that a sync's fixed cost is small against its writing, small enough that a commit's wait is short. */
    static final long SYNC_EVERY_BYTES = 8L << 20;

    private final Path directory;
    private final long shardBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String cacheId;
    private final String tokenizerFingerprint;
    private String teacherFingerprint;
    /** The next offset to read by partition number; -1 for a partition not read yet. An array: it moves every record. */
    private long[] nextOffsets = new long[0];

    /** Shard size for an inspection, which writes nothing (a shard's size matters only when one is begun). */
    private static final long INSPECTION_SHARD_BYTES = 1 << 16;

    /** The most prompts {@link #reserve} makes room for: the map's table for them takes 8 MB. */
    static final int MOST_RESERVED = 1 << 20;

    // the index: entry i is in shard shardOf[i], its payload at payloadAt[i], payloadLength[i] bytes long
    private int size;
    private int[] shardOf = new int[1024];
    private long[] payloadAt = new long[1024];
    private int[] payloadLength = new int[1024];
    private int[] tokens = new int[1024];
    private final BitSet dead = new BitSet();
    /** The number of bits set in {@link #dead}, kept as they are set: the trainer asks for the live count every step. */
    private int deadCount;
    private Map<String, Integer> latestByPrompt = new HashMap<>();

    private final List<FileChannel> readers = new ArrayList<>();
    private FileChannel writerChannel;
    /** Frames not yet handed to the file system; reads flush it first. */
    private ByteBuffer pending = ByteBuffer.allocateDirect(1 << 20);
    private long currentShardBytes;
    /**
     * Written bytes are made durable in the background, one sync after another, every {@link #SYNC_EVERY_BYTES} and
     * when a shard is finished, so a commit waits for little more than the last few megabytes (and a long replay's
     * writing to disk overlaps its filing), as RocksDB's {@code bytes_per_sync} does.
     */
    private final ExecutorService shardSyncer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "trainer-cache-shard-sync");
        thread.setDaemon(true);
        return thread;
    });
    private CompletableFuture<Void> backgroundSyncs = CompletableFuture.completedFuture(null);
    private long bytes;
    /** Bytes handed to the file system since the last background sync was asked for. */
    private long unsyncedBytes;

    private DiskLogitCache(Path directory, long shardBytes, FileChannel lockChannel, FileLock lock, String cacheId,
                           String teacherFingerprint, String tokenizerFingerprint) {
        this.directory = directory;
        this.shardBytes = shardBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.cacheId = cacheId;
        this.teacherFingerprint = teacherFingerprint;
        this.tokenizerFingerprint = tokenizerFingerprint;
    }

    /**
     * Opens the cache in {@code directory}, checking every committed entry's checksum and cutting off writes that
     * were never committed; a directory without a cache gives an empty one.
     *
     * @throws CacheCorruptException the committed part cannot be trusted: rebuild it with {@link #rebuild}
     */
    public static DiskLogitCache open(Path directory, long shardBytes, String tokenizerFingerprint)
            throws IOException, CacheCorruptException {
        Locked locked = lock(directory);
        try {
            CachePosition position = CachePosition.read(directory);
            if (position == null) {
                if (!shardFiles(directory).isEmpty()) {
                    throw new CacheCorruptException("shard files in " + directory + " have no committed position");
                }
                return create(directory, shardBytes, tokenizerFingerprint, locked);
            }
            if (!position.tokenizerFingerprint().equals(tokenizerFingerprint)) {
                throw new CacheCorruptException("the cache in " + directory + " holds records of tokenizer "
                        + position.tokenizerFingerprint() + "; this student uses " + tokenizerFingerprint);
            }
            DiskLogitCache cache = new DiskLogitCache(directory, shardBytes, locked.channel, locked.lock, position.cacheId(),
                    position.teacherFingerprint().isEmpty() ? null : position.teacherFingerprint(), tokenizerFingerprint);
            try {
                cache.load(position);
            } catch (CacheCorruptException | IOException | RuntimeException e) {
                cache.closeFiles();
                throw e;
            }
            return cache;
        } catch (CacheCorruptException | IOException | RuntimeException e) {
            locked.release();
            throw e;
        }
    }

    /**
     * The summary (content hash included) of the cache a trainer left in {@code directory}, whatever its tokenizer;
     * refused while a trainer has it open, and where there is no cache. Opening cuts off writes that were never
     * committed, as the next trainer to open it would.
     */
    public static CacheSummary inspect(Path directory) throws IOException, CacheCorruptException {
        CachePosition position = CachePosition.read(directory);
        if (position == null) {
            throw new CacheCorruptException("no trainer's cache in " + directory + " (no " + CachePosition.FILE_NAME + ")");
        }
        try (DiskLogitCache cache = open(directory, INSPECTION_SHARD_BYTES, position.tokenizerFingerprint())) {
            return cache.summary();
        }
    }

    /** What identifies this cache's content (reads every live entry, for the hash). */
    public CacheSummary summary() {
        return CacheSummary.of(this);
    }

    /** Deletes whatever cache {@code directory} holds and starts an empty one (a new cache id). */
    public static DiskLogitCache rebuild(Path directory, long shardBytes, String tokenizerFingerprint) throws IOException {
        Locked locked = lock(directory);
        try {
            Files.deleteIfExists(directory.resolve(CachePosition.FILE_NAME));
            for (Path shard : shardFiles(directory)) {
                Files.delete(shard);
            }
            return create(directory, shardBytes, tokenizerFingerprint, locked);
        } catch (IOException | RuntimeException e) {
            locked.release();
            throw e;
        }
    }

    private static DiskLogitCache create(Path directory, long shardBytes, String tokenizerFingerprint, Locked locked) throws IOException {
        DiskLogitCache cache = new DiskLogitCache(directory, shardBytes, locked.channel, locked.lock, UUID.randomUUID().toString(),
                null, tokenizerFingerprint);
        cache.openShardForWriting(0);
        cache.commit();
        return cache;
    }

    private record Locked(FileChannel channel, FileLock lock) {
        void release() throws IOException {
            channel.close(); // releases the lock
        }
    }

    private static Locked lock(Path directory) throws IOException {
        Files.createDirectories(directory);
        FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("the trainer cache in " + directory + " is in use by another trainer; give this run "
                        + "its own directory (kdstream.trainer.cache.dir)");
            }
            return new Locked(channel, lock);
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("the trainer cache in " + directory + " is already open in this JVM", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void load(CachePosition position) throws IOException, CacheCorruptException {
        position.nextOffsets().forEach(this::advance);
        List<Path> files = shardFiles(directory);
        for (int shard = 0; shard < position.shards(); shard++) {
            Path file = shardPath(shard);
            if (!Files.exists(file)) {
                throw new CacheCorruptException("shard " + file + " is missing");
            }
            boolean last = shard == position.shards() - 1;
            long committed = last ? position.lastShardBytes() : Files.size(file);
            if (Files.size(file) < committed) {
                throw new CacheCorruptException("shard " + file + " is truncated: " + Files.size(file) + " bytes, "
                        + committed + " committed");
            }
            if (last) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(committed); // drops entries appended after the last commit: they are read again
                }
            }
            scanShard(shard, file, committed);
        }
        for (Path file : files) {
            if (shardNumber(file) >= position.shards()) {
                Files.delete(file); // a shard begun after the last commit
            }
        }
        if (size != position.entries()) {
            throw new CacheCorruptException("the shards in " + directory + " hold " + size + " entries; "
                    + position.entries() + " were committed");
        }
        openShardForWriting(Math.max(0, position.shards() - 1));
    }

    private void scanShard(int shard, Path file, long length) throws IOException, CacheCorruptException {
        FileChannel channel = reader(shard, file);
        ByteBuffer header = ByteBuffer.allocate(EntryFrames.HEADER_BYTES);
        long at = 0;
        while (at < length) {
            if (at + EntryFrames.HEADER_BYTES > length) {
                throw new CacheCorruptException("shard " + file + ": a partial entry header at byte " + at);
            }
            header.clear();
            readFully(channel, header, at);
            int payload = header.getInt(0);
            int checksum = header.getInt(4);
            if (payload < 0 || payload > EntryFrames.MAX_PAYLOAD_BYTES || at + EntryFrames.HEADER_BYTES + payload > length) {
                throw new CacheCorruptException("shard " + file + ": the entry at byte " + at + " announces " + payload
                        + " bytes, beyond the committed " + length);
            }
            byte[] bytes = readPayload(channel, at + EntryFrames.HEADER_BYTES, payload);
            if (EntryFrames.checksum(bytes, 0, payload) != checksum) {
                throw new CacheCorruptException("shard " + file + ": the entry at byte " + at + " fails its checksum");
            }
            CachedSequence sequence;
            try {
                sequence = EntryFrames.decodePayload(bytes);
            } catch (IOException e) {
                throw new CacheCorruptException("shard " + file + ": the entry at byte " + at + " is malformed: " + e.getMessage(), e);
            }
            index(sequence, shard, at + EntryFrames.HEADER_BYTES, payload);
            at += EntryFrames.HEADER_BYTES + payload;
        }
        bytes += length;
    }

    /** Adds a sequence (or a tombstone) at the end and moves the position past its record. */
    public void append(CachedSequence sequence) {
        byte[] promptId = sequence.promptId().getBytes(StandardCharsets.UTF_8);
        int frameSize = EntryFrames.frameSize(sequence, promptId);
        try {
            if (currentShardBytes > 0 && currentShardBytes + frameSize > shardBytes) {
                openShardForWriting(readers.size());
            }
            if (frameSize > pending.remaining()) {
                flush();
                if (frameSize > pending.capacity()) {
                    pending = ByteBuffer.allocateDirect(frameSize);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the trainer cache in " + directory, e);
        }
        EntryFrames.writeFrame(sequence, promptId, pending);
        index(sequence, readers.size() - 1, currentShardBytes + EntryFrames.HEADER_BYTES, frameSize - EntryFrames.HEADER_BYTES);
        currentShardBytes += frameSize;
        bytes += frameSize;
        advance(sequence.partition(), sequence.offset() + 1);
    }

    /** Records that the topic has been read up to {@code nextOffset} in {@code partition}. */
    public void advance(int partition, long nextOffset) {
        if (partition >= nextOffsets.length) {
            int known = nextOffsets.length;
            nextOffsets = Arrays.copyOf(nextOffsets, partition + 1);
            Arrays.fill(nextOffsets, known, nextOffsets.length, -1);
        }
        if (nextOffset > nextOffsets[partition]) {
            nextOffsets[partition] = nextOffset;
        }
    }

    private void index(CachedSequence sequence, int shard, long at, int length) {
        if (size == shardOf.length) {
            int capacity = size * 2;
            shardOf = Arrays.copyOf(shardOf, capacity);
            payloadAt = Arrays.copyOf(payloadAt, capacity);
            payloadLength = Arrays.copyOf(payloadLength, capacity);
            tokens = Arrays.copyOf(tokens, capacity);
        }
        int entry = size++;
        shardOf[entry] = shard;
        payloadAt[entry] = at;
        payloadLength[entry] = length;
        tokens[entry] = sequence.tokens();
        Integer previous = latestByPrompt.put(sequence.promptId(), entry);
        if (previous != null) {
            markDead(previous);
        }
        if (sequence.isTombstone()) {
            markDead(entry);
        }
    }

    private void markDead(int entry) {
        if (!dead.get(entry)) {
            dead.set(entry);
            deadCount++;
        }
    }

    /**
     * Makes room in the index for {@code records} more prompts, at most {@value #MOST_RESERVED} in all: a catch-up
     * knows how many records it is about to read, and a map grown record by record rehashes all it holds again and
     * again (about a tenth of a replay's filing time).
     */
    public void reserve(long records) {
        long wanted = Math.min(latestByPrompt.size() + Math.min(Math.max(records, 0), MOST_RESERVED), MOST_RESERVED);
        if (wanted > latestByPrompt.size() * 2L) {
            Map<String, Integer> larger = new HashMap<>((int) (wanted / 0.75) + 1); // HashMap's default load factor
            larger.putAll(latestByPrompt);
            latestByPrompt = larger;
        }
    }

    /** Hands appended entries to the file system (they stay uncommitted until {@link #commit}). */
    public void flush() {
        try {
            pending.flip();
            unsyncedBytes += pending.remaining();
            while (pending.hasRemaining()) {
                writerChannel.write(pending);
            }
            pending.clear();
            if (unsyncedBytes >= SYNC_EVERY_BYTES) {
                syncInBackground(readers.get(readers.size() - 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trainer cache in " + directory, e);
        }
    }

    /** Puts the appended entries on disk, then records the new position atomically. */
    public void commit() throws IOException {
        flush();
        awaitBackgroundSyncs();
        writerChannel.force(false);
        unsyncedBytes = 0;
        new CachePosition(cacheId, teacherFingerprint == null ? "" : teacherFingerprint, tokenizerFingerprint, size,
                readers.size(), currentShardBytes, nextOffsets()).write(directory);
    }

    /** Waits for the background syncs; a failed one fails the commit. */
    private void awaitBackgroundSyncs() throws IOException {
        try {
            backgroundSyncs.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause()
                    : new IOException("cannot make the trainer cache's shards in " + directory + " durable", e.getCause());
        }
    }

    public CachedSequence read(int entry) {
        if (entry < 0 || entry >= size) {
            throw new IndexOutOfBoundsException("entry " + entry + " of " + size);
        }
        if (pending.position() > 0) {
            flush();
        }
        try {
            return EntryFrames.decodePayload(readPayload(readers.get(shardOf[entry]), payloadAt[entry], payloadLength[entry]));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read entry " + entry + " of the trainer cache in " + directory, e);
        }
    }

    /** Entries appended so far, superseded ones and tombstones included: entry numbers run from 0 to size - 1. */
    @Override
    public int size() {
        return size;
    }

    /** True when the entry is its prompt's newest and not a tombstone. */
    @Override
    public boolean isLive(int entry) {
        return entry < size && !dead.get(entry);
    }

    @Override
    public int liveCount() {
        return size - deadCount;
    }

    @Override
    public int tokens(int entry) {
        return tokens[entry];
    }

    public long bytes() {
        return bytes;
    }

    public String id() {
        return cacheId;
    }

    /** The teacher the cached records belong to; null until one is pinned. */
    public String tokenizerFingerprint() {
        return tokenizerFingerprint;
    }

    public String teacherFingerprint() {
        return teacherFingerprint;
    }

    public void pinTeacher(String fingerprint) {
        if (teacherFingerprint != null && !teacherFingerprint.equals(fingerprint)) {
            throw new IllegalStateException("the cache holds teacher " + teacherFingerprint + ", not " + fingerprint);
        }
        teacherFingerprint = fingerprint;
    }

    /** The next offset to read per partition (partitions not read yet are absent). */
    public Map<Integer, Long> nextOffsets() {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int partition = 0; partition < nextOffsets.length; partition++) {
            if (nextOffsets[partition] >= 0) {
                offsets.put(partition, nextOffsets[partition]);
            }
        }
        return offsets;
    }

    /**
     * SHA-256 of what the cache holds, independent of the order records arrived in: each live prompt's id and record
     * bytes, in prompt order. A cache rebuilt from the topic has the same hash as the one built online.
     */
    public String contentHash() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        ByteBuffer length = ByteBuffer.allocate(4);
        latestByPrompt.entrySet().stream()
                .filter(prompt -> isLive(prompt.getValue()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(prompt -> {
                    digest.update(prompt.getKey().getBytes(StandardCharsets.UTF_8));
                    for (ByteBuffer value : read(prompt.getValue()).values()) {
                        digest.update(length.clear().putInt(value.remaining()).array());
                        digest.update(value.duplicate());
                    }
                    digest.update((byte) 0);
                });
        return HexFormat.of().formatHex(digest.digest());
    }

    public Path directory() {
        return directory;
    }

    /** Commits and releases the directory. */
    @Override
    public void close() throws IOException {
        try {
            if (writerChannel != null && writerChannel.isOpen()) {
                commit();
            }
        } finally {
            closeFiles();
        }
    }

    private void closeFiles() throws IOException {
        try {
            backgroundSyncs.exceptionally(failure -> null).join(); // no channel closes under a sync
            shardSyncer.shutdown();
            if (writerChannel != null) {
                writerChannel.close();
            }
            for (FileChannel reader : readers) {
                reader.close();
            }
        } finally {
            lockChannel.close();
        }
    }

    private void openShardForWriting(int shard) throws IOException {
        if (writerChannel != null) {
            flush();
            syncInBackground(readers.get(readers.size() - 1));
            writerChannel.close();
        }
        Path file = shardPath(shard);
        writerChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        currentShardBytes = writerChannel.size();
        if (shard == readers.size()) {
            reader(shard, file);
        }
    }

    /** Queues a sync of a shard's written bytes; {@code shard} reads the file being written: fsync is per file. */
    private void syncInBackground(FileChannel shard) {
        unsyncedBytes = 0;
        backgroundSyncs = backgroundSyncs.thenRunAsync(() -> {
            try {
                shard.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, shardSyncer);
    }

    private FileChannel reader(int shard, Path file) throws IOException {
        if (shard < readers.size()) {
            return readers.get(shard);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        readers.add(channel);
        return channel;
    }

    private Path shardPath(int shard) {
        return directory.resolve(String.format("%s%06d%s", SHARD_PREFIX, shard, SHARD_SUFFIX));
    }

    private static List<Path> shardFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(SHARD_PREFIX) && name.endsWith(SHARD_SUFFIX);
            }).sorted().toList();
        }
    }

    private static int shardNumber(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(SHARD_PREFIX.length(), name.length() - SHARD_SUFFIX.length()));
    }

    private static byte[] readPayload(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(channel, buffer, at);
        return buffer.array();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("unexpected end of " + channel + " at byte " + position);
            }
            position += read;
        }
    }
}
