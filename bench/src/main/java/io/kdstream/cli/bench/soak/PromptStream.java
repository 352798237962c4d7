package io.kdstream.cli.bench.soak;

import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.MathPrompts;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Generated math problems sent to {@code kd.prompts} at a steady rate, as {@code kdstream generate math --follow}
 * sends them, each under a new id of this soak's ({@link SoakPromptIds}: a problem's content may repeat; the id, which
 * the router and the trainer go by, does not), until closed. Each prompt's time is told to {@link Freshness} once it is stored.
 */
final class PromptStream implements AutoCloseable {

    private static final int DISTINCT_PROBLEMS = 5000;

    private final PromptProducer producer;
    private final Freshness freshness;
    private final SoakPromptIds ids;
    private final double perSecond;
    private final List<Prompt> problems;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile Throwable failure;
    private int sent;

    PromptStream(PromptProducer producer, Freshness freshness, SoakPromptIds ids, double perSecond) {
        this.producer = producer;
        this.freshness = freshness;
        this.ids = ids;
        this.perSecond = perSecond;
        this.problems = new MathProblemGenerator(19).generate(DISTINCT_PROBLEMS, Split.TRAIN).stream()
                .map(problem -> MathPrompts.toPrompt(problem, "kdstream-bench-soak")).toList();
        this.thread = new Thread(this::run, "soak-prompts");
    }

    /** Sends {@code count} held-out problems (what the evaluator scores each checkpoint on) at once. */
    void sendHeldOut(int count) {
        List<Prompt> heldOut = new ArrayList<>();
        for (MathProblemGenerator.MathProblem problem : new MathProblemGenerator(20).generate(count, Split.TEST)) {
            Prompt prompt = MathPrompts.toPrompt(problem, "kdstream-bench-soak");
            prompt.setId(ids.prefix() + "-test-" + heldOut.size());
            heldOut.add(prompt);
        }
        producer.send(heldOut);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        try {
            while (!stop.await(5, TimeUnit.MILLISECONDS)) {
                long due = (long) ((System.nanoTime() - started) / 1e9 * perSecond);
                int first = sent;
                List<Prompt> batch = new ArrayList<>();
                for (; sent < due; sent++) {
                    batch.add(Prompt.newBuilder(problems.get(sent % problems.size())).setId(ids.id(sent)).build());
                }
                if (!batch.isEmpty()) {
                    producer.send(batch);
                    long stored = System.nanoTime();
                    for (int sequence = first; sequence < sent; sequence++) {
                        freshness.produced(sequence, stored);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    /** Why the stream stopped early, or null while it runs (or after it was closed). */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        thread.join(30_000);
    }
}
