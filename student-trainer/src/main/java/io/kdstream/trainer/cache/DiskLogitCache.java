package io.kdstream.trainer.cache;

import io.kdstream.model.checkpoint.AtomicFiles;
import io.kdstream.trainer.sampling.CachedEntries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The trainer's local copy of the logit cache topic: append-only shard files of checksummed entries
 * ({@link EntryFrames}, {@link ShardFiles}), an index of them in memory ({@link EntryIndex}), and a committed position
 * ({@link CachePosition}) written atomically after the shards are on disk ({@link ShardSyncer}). Entries are numbered
 * in the order they were appended; a newer entry for a prompt supersedes the older one (as compaction would), and a
 * tombstone deletes the prompt.
 *
 * <p>One trainer at a time: the directory is locked while the cache is open ({@link CacheLock}). Not thread-safe.
 */
public final class DiskLogitCache implements CachedEntries, AutoCloseable {

    /** Large enough that a sync's fixed cost is small against its writing, small enough that a commit's wait is short. */
    static final long SYNC_EVERY_BYTES = 8L << 20;

    private final Path directory;
    private final long shardBytes;
    private final CacheLock lock;
    private final String cacheId;
    private final String tokenizerFingerprint;
    private String teacherFingerprint;
    private final PartitionOffsets nextOffsets = new PartitionOffsets();

    /** Shard size for an inspection, which writes nothing (a shard's size matters only when one is begun). */
    private static final long INSPECTION_SHARD_BYTES = 1 << 16;

    private final EntryIndex index = new EntryIndex();

    private final List<FileChannel> readers = new ArrayList<>();
    private FileChannel writerChannel;
    /** Frames not yet handed to the file system; reads flush it first. */
    private ByteBuffer pending = ByteBuffer.allocateDirect(1 << 20);
    private long currentShardBytes;
    /** Written bytes are made durable in the background every {@link #SYNC_EVERY_BYTES} and when a shard is finished. */
    private final ShardSyncer shardSyncer = new ShardSyncer();
    private long bytes;
    /** Bytes handed to the file system since the last background sync was asked for. */
    private long unsyncedBytes;

    private DiskLogitCache(Path directory, long shardBytes, CacheLock lock, String cacheId,
                           String teacherFingerprint, String tokenizerFingerprint) {
        this.directory = directory;
        this.shardBytes = shardBytes;
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
        CacheLock locked = CacheLock.acquire(directory);
        try {
            AtomicFiles.removeLeftovers(directory); // a position write a kill cut short; ours alone, under the lock
            CachePosition position = CachePosition.read(directory);
            if (position == null) {
                if (!ShardFiles.list(directory).isEmpty()) {
                    throw new CacheCorruptException("shard files in " + directory + " have no committed position");
                }
                return create(directory, shardBytes, tokenizerFingerprint, locked);
            }
            if (!position.tokenizerFingerprint().equals(tokenizerFingerprint)) {
                throw new CacheCorruptException("the cache in " + directory + " holds records of tokenizer "
                        + position.tokenizerFingerprint() + "; this student uses " + tokenizerFingerprint);
            }
            DiskLogitCache cache = new DiskLogitCache(directory, shardBytes, locked, position.cacheId(),
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
        CacheLock locked = CacheLock.acquire(directory);
        try {
            Files.deleteIfExists(directory.resolve(CachePosition.FILE_NAME));
            for (Path shard : ShardFiles.list(directory)) {
                Files.delete(shard);
            }
            return create(directory, shardBytes, tokenizerFingerprint, locked);
        } catch (IOException | RuntimeException e) {
            locked.release();
            throw e;
        }
    }

    private static DiskLogitCache create(Path directory, long shardBytes, String tokenizerFingerprint, CacheLock locked) throws IOException {
        DiskLogitCache cache = new DiskLogitCache(directory, shardBytes, locked, UUID.randomUUID().toString(),
                null, tokenizerFingerprint);
        cache.openShardForWriting(0);
        cache.commit();
        return cache;
    }

    private void load(CachePosition position) throws IOException, CacheCorruptException {
        position.nextOffsets().forEach(nextOffsets::advance);
        List<Path> files = ShardFiles.list(directory);
        for (int shard = 0; shard < position.shards(); shard++) {
            Path file = ShardFiles.path(directory, shard);
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
            if (ShardFiles.number(file) >= position.shards()) {
                Files.delete(file); // a shard begun after the last commit
            }
        }
        if (index.size() != position.entries()) {
            throw new CacheCorruptException("the shards in " + directory + " hold " + index.size() + " entries; "
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
            ShardFiles.readFully(channel, header, at);
            int payload = header.getInt(0);
            int checksum = header.getInt(4);
            if (payload < 0 || payload > EntryFrames.MAX_PAYLOAD_BYTES || at + EntryFrames.HEADER_BYTES + payload > length) {
                throw new CacheCorruptException("shard " + file + ": the entry at byte " + at + " announces " + payload
                        + " bytes, beyond the committed " + length);
            }
            byte[] bytes = ShardFiles.readPayload(channel, at + EntryFrames.HEADER_BYTES, payload);
            if (EntryFrames.checksum(bytes, 0, payload) != checksum) {
                throw new CacheCorruptException("shard " + file + ": the entry at byte " + at + " fails its checksum");
            }
            CachedSequence sequence;
            try {
                sequence = EntryFrames.decodePayload(bytes);
            } catch (IOException e) {
                throw new CacheCorruptException("shard " + file + ": the entry at byte " + at + " is malformed: " + e.getMessage(), e);
            }
            index.add(sequence, shard, at + EntryFrames.HEADER_BYTES, payload);
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
        index.add(sequence, readers.size() - 1, currentShardBytes + EntryFrames.HEADER_BYTES, frameSize - EntryFrames.HEADER_BYTES);
        currentShardBytes += frameSize;
        bytes += frameSize;
        advance(sequence.partition(), sequence.offset() + 1);
    }

    /** Records that the topic has been read up to {@code nextOffset} in {@code partition}. */
    public void advance(int partition, long nextOffset) {
        nextOffsets.advance(partition, nextOffset);
    }

    /**
     * Makes room in the index for {@code records} more prompts, at most {@value EntryIndex#MOST_RESERVED} in all: a
     * catch-up knows how many records it is about to read (see {@link EntryIndex#reserve}).
     */
    public void reserve(long records) {
        index.reserve(records);
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
        shardSyncer.await(directory);
        writerChannel.force(false);
        unsyncedBytes = 0;
        new CachePosition(cacheId, teacherFingerprint == null ? "" : teacherFingerprint, tokenizerFingerprint, index.size(),
                readers.size(), currentShardBytes, nextOffsets()).write(directory);
    }

    public CachedSequence read(int entry) {
        if (entry < 0 || entry >= index.size()) {
            throw new IndexOutOfBoundsException("entry " + entry + " of " + index.size());
        }
        if (pending.position() > 0) {
            flush();
        }
        try {
            return EntryFrames.decodePayload(ShardFiles.readPayload(readers.get(index.shard(entry)), index.payloadAt(entry), index.payloadLength(entry)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read entry " + entry + " of the trainer cache in " + directory, e);
        }
    }

    /** Entries appended so far, superseded ones and tombstones included: entry numbers run from 0 to size - 1. */
    @Override
    public int size() {
        return index.size();
    }

    /** True when the entry is its prompt's newest and not a tombstone. */
    @Override
    public boolean isLive(int entry) {
        return index.isLive(entry);
    }

    @Override
    public int liveCount() {
        return index.liveCount();
    }

    @Override
    public int tokens(int entry) {
        return index.tokens(entry);
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
        return nextOffsets.asMap();
    }

    /** SHA-256 of what the cache holds, independent of the order records arrived in (see {@link ContentHash}). */
    public String contentHash() {
        return ContentHash.of(index.livePromptsInOrder(), this::read);
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
            shardSyncer.close(); // no channel closes under a sync
            if (writerChannel != null) {
                writerChannel.close();
            }
            for (FileChannel reader : readers) {
                reader.close();
            }
        } finally {
            lock.release();
        }
    }

    private void openShardForWriting(int shard) throws IOException {
        if (writerChannel != null) {
            flush();
            syncInBackground(readers.get(readers.size() - 1));
            writerChannel.close();
        }
        Path file = ShardFiles.path(directory, shard);
        writerChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        currentShardBytes = writerChannel.size();
        if (shard == readers.size()) {
            reader(shard, file);
        }
    }

    private void syncInBackground(FileChannel shard) {
        unsyncedBytes = 0;
        shardSyncer.sync(shard);
    }

    private FileChannel reader(int shard, Path file) throws IOException {
        if (shard < readers.size()) {
            return readers.get(shard);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        readers.add(channel);
        return channel;
    }
}
