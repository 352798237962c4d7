package io.kdstream.teacher.serve;

import io.kdstream.teacher.model.TeacherModel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Scores requests in batches, as a GPU server does: one thread owns the model, takes every request waiting when it
 * is free (up to a token budget) and scores them in one forward pass, so concurrent requests share it. It waits a
 * moment ({@code batchWait}) for more after the first: clients that got their replies from the last pass send their
 * next requests a few milliseconds later, and a pass started without them would score one sequence where it could
 * score several.
 */
final class ForwardBatcher implements AutoCloseable {

    private record Job(int[] tokens, int k, CompletableFuture<TeacherModel.Scored> result) {
    }

    private final TeacherModel model;
    private final int batchTokens;
    private final long batchWaitNanos;
    /** A request that did not fit the last batch's token budget: the next batch starts with it. */
    private Job carried;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    ForwardBatcher(TeacherModel model, int batchTokens, Duration batchWait) {
        this.model = model;
        this.batchTokens = batchTokens;
        this.batchWaitNanos = batchWait.toNanos();
        this.thread = new Thread(this::run, "serve-teacher-forward");
        thread.setDaemon(true);
        thread.start();
    }

    /** The top-{@code k} of every position of {@code tokens} and each position's actual next token. */
    CompletableFuture<TeacherModel.Scored> score(int[] tokens, int k) {
        CompletableFuture<TeacherModel.Scored> result = new CompletableFuture<>();
        queue.add(new Job(tokens, k, result));
        return result;
    }

    private void run() {
        List<Job> batch = new ArrayList<>();
        while (running) {
            try {
                gather(batch);
            } catch (InterruptedException e) {
                return;
            }
            int k = batch.stream().mapToInt(Job::k).max().orElseThrow(); // a prefix of the top-K is the top of fewer
            try {
                List<TeacherModel.Scored> scored = model.score(batch.stream().map(Job::tokens).toList(), k);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result.complete(scored.get(i));
                }
            } catch (RuntimeException e) {
                batch.forEach(job -> job.result.completeExceptionally(e));
            }
            batch.clear();
        }
    }

    /** The next batch: the carried or the next request, then whatever arrives within the wait and fits the budget. */
    private void gather(List<Job> batch) throws InterruptedException {
        batch.add(carried != null ? carried : queue.take());
        carried = null;
        int tokens = batch.get(0).tokens.length;
        long deadline = System.nanoTime() + batchWaitNanos;
        while (true) {
            Job next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS); // past it: what is queued
            if (next == null) {
                return;
            }
            if (tokens + next.tokens.length > batchTokens) {
                carried = next;
                return;
            }
            batch.add(next);
            tokens += next.tokens.length;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IllegalStateException stopping = new IllegalStateException("the server is stopping");
        if (carried != null) {
            carried.result.completeExceptionally(stopping);
        }
        queue.forEach(job -> job.result.completeExceptionally(stopping));
    }
}
