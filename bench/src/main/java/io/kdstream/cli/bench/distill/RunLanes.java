package io.kdstream.cli.bench.distill;

import io.kdstream.trainer.cache.CacheLock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Trains a cohort's student runs up to {@code lanes} at a time, each run its own JVM, so a machine's cores are all used
 * by runs of one or two torch threads.
 *
 * <p>Every run of one local cache (the top-K cache; each RS-KD cache) must read the same entries in the same order, so a
 * seed draws the same batches whichever lane trains it. The trainer builds that cache from the topic in the order it
 * reads the partitions, and locks it while it trains. So one run of a cache, its shortest, trains alone on it; when it ends, its
 * lane copies the cache to every other lane, and the cache's other runs start, each lane on its own copy. Runs that read
 * no cache (online KD) start whenever a lane is free.
 */
final class RunLanes {

    /** Trains one run whose local cache (if it reads one) is {@code cacheDir}. */
    @FunctionalInterface
    interface Trainer {
        StudentRunProcess.Result train(DistillPlan.Run run, Optional<Path> cacheDir) throws Exception;
    }

    private enum CacheState { MISSING, BUILDING, BUILT }

    private final int lanes;
    private final Path workDir;
    private final Map<String, CacheState> caches = new HashMap<>();
    private final List<Queued> pending = new ArrayList<>();
    private Exception failure;

    private record Queued(DistillPlan.Run run, Optional<String> cache) {
    }

    /** A run a lane took, and whether it is its cache's first (which builds the cache). */
    private record Taken(Queued queued, boolean builds) {
    }

    /**
     * @param lanes   runs trained at a time
     * @param workDir where each lane keeps its caches: lane 1 in {@code workDir} itself, lane i in {@code workDir/lane-i}
     */
    RunLanes(int lanes, Path workDir) {
        if (lanes < 1) {
            throw new IllegalArgumentException("at least one run at a time, got " + lanes);
        }
        this.lanes = lanes;
        this.workDir = workDir;
    }

    /** Where lane {@code lane} (1-based) keeps the cache named {@code cache}. */
    Path cacheDir(int lane, String cache) {
        return (lane == 1 ? workDir : workDir.resolve("lane-" + lane)).resolve(cache);
    }

    /**
     * Trains every run, in the given order as far as the caches allow, except that a cache's shortest run builds it
     * (the other lanes wait for it); the results in the given order. The first failure
     * stops the lanes from starting more runs and is thrown once the runs in flight have ended.
     *
     * @param cacheOf the local cache a run reads, by name; empty for none
     */
    Map<DistillPlan.Run, StudentRunProcess.Result> trainAll(List<DistillPlan.Run> runs, Function<DistillPlan.Run, Optional<String>> cacheOf,
                                                            Trainer trainer) throws Exception {
        runs.forEach(run -> {
            Optional<String> cache = cacheOf.apply(run);
            pending.add(new Queued(run, cache));
            cache.ifPresent(name -> caches.put(name, CacheState.MISSING));
        });
        Map<DistillPlan.Run, StudentRunProcess.Result> results = new ConcurrentHashMap<>();
        ExecutorService executor = Executors.newFixedThreadPool(lanes, runnable -> {
            Thread thread = new Thread(runnable, "bench-distill-lane");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> laneFutures = new ArrayList<>();
            for (int lane = 1; lane <= lanes; lane++) {
                int laneIndex = lane;
                laneFutures.add(executor.submit(() -> {
                    runLane(laneIndex, trainer, results);
                    return null;
                }));
            }
            for (Future<?> lane : laneFutures) {
                lane.get();
            }
        } finally {
            executor.shutdownNow();
        }
        synchronized (this) {
            if (failure != null) {
                throw failure;
            }
        }
        Map<DistillPlan.Run, StudentRunProcess.Result> ordered = new LinkedHashMap<>();
        runs.forEach(run -> ordered.put(run, results.get(run)));
        return ordered;
    }

    private void runLane(int lane, Trainer trainer, Map<DistillPlan.Run, StudentRunProcess.Result> results) throws InterruptedException {
        Optional<Taken> next;
        while ((next = take()).isPresent()) {
            Queued queued = next.get().queued();
            try {
                results.put(queued.run(), trainer.train(queued.run(), queued.cache().map(cache -> cacheDir(lane, cache))));
                if (next.get().builds()) {
                    shareBuilt(lane, queued.cache().get());
                }
            } catch (Exception e) {
                fail(e);
            }
        }
    }

    /** The first pending run a lane can start now; empty when none is left or a run has failed; waits otherwise. */
    private synchronized Optional<Taken> take() throws InterruptedException {
        while (failure == null && !pending.isEmpty()) {
            for (Queued first : pending) {
                CacheState state = first.cache().map(caches::get).orElse(CacheState.BUILT);
                if (state != CacheState.BUILDING) {
                    // the other lanes wait for a cache's builder: its shortest run builds it
                    Queued queued = state == CacheState.BUILT ? first : pending.stream().filter(q -> q.cache().equals(first.cache()))
                            .min(Comparator.comparingLong(q -> q.run().config().steps())).orElseThrow();
                    pending.remove(queued);
                    if (state == CacheState.MISSING) {
                        caches.put(queued.cache().get(), CacheState.BUILDING);
                    }
                    return Optional.of(new Taken(queued, state == CacheState.MISSING));
                }
            }
            wait();
        }
        return Optional.empty();
    }

    /** Copies the cache lane {@code lane} built to every other lane, then lets the cache's other runs start. */
    private void shareBuilt(int lane, String cache) throws IOException {
        Path built = cacheDir(lane, cache);
        for (int other = 1; other <= lanes; other++) {
            if (other != lane) {
                copy(built, cacheDir(other, cache));
            }
        }
        synchronized (this) {
            caches.put(cache, CacheState.BUILT);
            notifyAll();
        }
    }

    private synchronized void fail(Exception e) {
        if (failure == null) {
            failure = e;
        } else {
            failure.addSuppressed(e);
        }
        notifyAll();
    }

    /** A copy of a closed cache directory, without its lock file (each copy gets its own when opened). */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(file -> {
                try {
                    Path target = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else if (!file.getFileName().toString().equals(CacheLock.LOCK_FILE)) {
                        Files.copy(file, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
