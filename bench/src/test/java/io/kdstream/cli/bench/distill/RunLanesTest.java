package io.kdstream.cli.bench.distill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lanes' scheduling, with a stand-in for the student JVM that does what matters here: the first run of a cache
 * writes it, the others read it. The real runs go through {@code DistillBenchmarkIntegrationTest}.
 */
class RunLanesTest {

    private static final RunConfig SFT = RunConfig.sft(6, false);
    private static final RunConfig KD = RunConfig.kd(6, 64, "renormalised", "forward", 1, 0.4, false);
    private static final RunConfig RS_KD = RunConfig.rsKd(6, 12, 1, 0.4);
    private static final RunConfig ONLINE = RunConfig.online(6, 100, 1, 0.4);

    /** What the stand-in saw: when each run started and ended, its cache directory, and what that directory held. */
    private static final class Recorder {
        final AtomicInteger clock = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Set<Path> openDirs = Collections.synchronizedSet(new HashSet<>());
        /** Holds the first runs until two are in flight, so a second lane is seen at work however slowly it starts. */
        final CountDownLatch company;

        Recorder(int awaitInFlight) {
            company = new CountDownLatch(awaitInFlight);
        }

        StudentRunProcess.Result train(DistillPlan.Run run, Optional<Path> cacheDir) throws Exception {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            company.countDown();
            assertThat(company.await(30, TimeUnit.SECONDS)).as("runs in flight together").isTrue();
            String name = run.config().slug() + "-s" + run.seed();
            events.add("start " + name);
            try {
                if (cacheDir.isPresent()) {
                    assertThat(openDirs.add(cacheDir.get())).as("a cache directory is one run's at a time").isTrue();
                    Path entries = cacheDir.get().resolve("entries");
                    if (Files.exists(entries)) {
                        events.add(name + " read " + Files.readString(entries));
                    } else {
                        Files.createDirectories(cacheDir.get());
                        Files.writeString(entries, "built by " + name);
                        Files.writeString(cacheDir.get().resolve("cache.lock"), "");
                    }
                }
                Thread.sleep(50);
                return new StudentRunProcess.Result(run.config().steps(), 1, 1, clock.incrementAndGet());
            } finally {
                cacheDir.ifPresent(openDirs::remove);
                inFlight.decrementAndGet();
                events.add("end " + name);
            }
        }
    }

    private static Optional<String> cacheOf(DistillPlan.Run run) {
        return switch (run.config().objective()) {
            case ONLINE_FULL_KD -> Optional.empty();
            case RS_KD_SFT -> Optional.of("rs-kd");
            default -> Optional.of("top-k");
        };
    }

    @Test
    void shouldBuildEachCacheOnceAndRunTheOthersOnCopiesTwoAtATime(@TempDir Path work) throws Exception {
        List<DistillPlan.Run> runs = new DistillPlan(6, List.of(1L, 2L), List.of(SFT, KD, RS_KD, ONLINE), 2).runs();
        Recorder recorder = new Recorder(2);

        var results = new RunLanes(2, work).trainAll(runs, RunLanesTest::cacheOf, recorder::train);

        assertThat(results.keySet()).containsExactlyElementsOf(runs);
        assertThat(recorder.mostInFlight.get()).isEqualTo(2);
        List<String> events = List.copyOf(recorder.events);
        // every run of a cache read what its first run built, after that run ended, never from the same directory at once
        String topKBuilder = runs.get(0).config().slug() + "-s1";
        assertThat(events).filteredOn(e -> e.contains(" read built by ")).hasSize(4)
                .allMatch(e -> e.endsWith("built by " + topKBuilder) || e.endsWith("built by " + RS_KD.slug() + "-s1"));
        for (String read : events.stream().filter(e -> e.contains(" read built by ")).toList()) {
            String builder = read.substring(read.indexOf("built by ") + "built by ".length());
            assertThat(events.indexOf("end " + builder)).isLessThan(events.indexOf(read));
        }
        assertThat(work.resolve("lane-2").resolve("top-k").resolve("entries")).hasContent("built by " + topKBuilder);
        assertThat(work.resolve("top-k").resolve("entries")).hasContent("built by " + topKBuilder);
        // the builder's lock file stays with it: a copy gets its own when its trainer opens it
        assertThat(Stream.of(work.resolve("top-k"), work.resolve("lane-2").resolve("top-k")).filter(dir -> Files.exists(dir.resolve("cache.lock"))))
                .hasSize(1);
    }

    @Test
    void shouldBuildACacheWithItsShortestRunWhileTheOtherLanesWait(@TempDir Path work) throws Exception {
        RunConfig shortKd = RunConfig.kd(4, 64, "renormalised", "forward", 1, 0.4, false);
        List<DistillPlan.Run> runs = new DistillPlan(6, List.of(1L), List.of(SFT, KD, shortKd), 2).runs();
        Recorder recorder = new Recorder(1);

        new RunLanes(2, work).trainAll(runs, RunLanesTest::cacheOf, recorder::train);

        // the plan's first run is 6 steps long, the 4-step run builds the cache alone, then the two others start
        String builder = shortKd.slug() + "-s1";
        assertThat(recorder.events.subList(0, 2)).containsExactly("start " + builder, "end " + builder);
        assertThat(work.resolve("top-k").resolve("entries")).hasContent("built by " + builder);
        assertThat(recorder.events).filteredOn(e -> e.contains(" read built by " + builder)).hasSize(2);
    }

    @Test
    void shouldRunOneAtATimeInThePlansOrderWithOneLane(@TempDir Path work) throws Exception {
        List<DistillPlan.Run> runs = new DistillPlan(6, List.of(1L), List.of(SFT, KD, ONLINE), 2).runs();
        Recorder recorder = new Recorder(1);

        var results = new RunLanes(1, work).trainAll(runs, RunLanesTest::cacheOf, recorder::train);

        assertThat(recorder.mostInFlight.get()).isEqualTo(1);
        assertThat(results.values()).extracting(StudentRunProcess.Result::trainSeconds).containsExactly(1.0, 2.0, 3.0);
        assertThat(work.resolve("lane-2")).doesNotExist();
    }

    @Test
    void shouldStopStartingRunsAfterAFailureAndThrowIt(@TempDir Path work) {
        List<DistillPlan.Run> runs = new DistillPlan(6, List.of(1L, 2L, 3L), List.of(SFT, KD), 2).runs();
        List<String> started = Collections.synchronizedList(new ArrayList<>());

        assertThatThrownBy(() -> new RunLanes(2, work).trainAll(runs, RunLanesTest::cacheOf, (run, cacheDir) -> {
            started.add(run.config().slug());
            throw new IllegalStateException("student run " + run.seed() + " exited with 1");
        })).isInstanceOf(IllegalStateException.class).hasMessage("student run 1 exited with 1");
        // the first run builds the top-K cache, which every other run waits for: it failed, so none of them started
        assertThat(started).hasSize(1);
    }
}
