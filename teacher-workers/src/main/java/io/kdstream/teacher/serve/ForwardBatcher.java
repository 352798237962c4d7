package io.kdstream.teacher.serve;

import io.kdstream.teacher.model.TeacherModel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Scores requests in batches, as a GPU server does: one thread owns the model, takes every request waiting when it
 * is free (up to a token budget) and scores them in one forward pass, so concurrent requests share it.
 */
final class ForwardBatcher implements AutoCloseable {

    private record Job(int[] tokens, int k, CompletableFuture<TeacherModel.Scored> result) {
    }

    private final TeacherModel model;
    private final int batchTokens;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    ForwardBatcher(TeacherModel model, int batchTokens) {
        this.model = model;
        this.batchTokens = batchTokens;
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
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            int tokens = batch.get(0).tokens.length;
            for (Job next = queue.peek(); next != null && tokens + next.tokens.length <= batchTokens; next = queue.peek()) {
                batch.add(queue.poll());
                tokens += next.tokens.length;
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

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.forEach(job -> job.result.completeExceptionally(new IllegalStateException("the server is stopping")));
    }
}
