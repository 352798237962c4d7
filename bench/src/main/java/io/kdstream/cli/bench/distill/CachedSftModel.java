package io.kdstream.cli.bench.distill;

import io.kdstream.cli.progress.Progress;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.trainer.sft.SupervisedTraining;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.TrainingConfig;
import me.tongfei.progressbar.ProgressBar;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A model the benchmark trains once with kdstream's own SFT and keeps under KDSTREAM_HOME: the teacher, or the base
 * student every pretrained run starts from. Everything is a function of the architecture, the data, the phases and
 * the seed, so the file name is the recipe, and the same recipe finds the same file on the next run.
 *
 * <p>A recipe is a chain of phases: one or more stable phases at the constant peak learning rate (more than one when
 * the model was trained on), then optionally a cool-down ({@link SupervisedTraining#coolDown}). Each phase starts from
 * the previous phase's cached weights, so a longer or a cooled recipe reuses what was trained.
 *
 * @param folder        the folder under KDSTREAM_HOME ({@code teachers}, {@code students})
 * @param name          the file name's start, e.g. {@code mathcode-teacher}
 * @param stablePhases  the steps of each stable phase, in order
 * @param coolDownSteps the closing cool-down's steps; 0 for none
 * @param dataTag       names the training data (sizes, seed, difficulty, wrong share)
 */
public record CachedSftModel(String folder, String name, TransformerConfig architecture, List<Long> stablePhases, long coolDownSteps, long seed,
                             String dataTag) {

    /** The record's key for {@link #dataDigest} of the training data. */
    static final String DATA_DIGEST = "data.sha256";

    public CachedSftModel {
        stablePhases = List.copyOf(stablePhases);
        if (stablePhases.isEmpty() || stablePhases.stream().anyMatch(steps -> steps <= 0) || coolDownSteps < 0) {
            throw new IllegalArgumentException("a recipe needs stable phases of at least one step and a cool-down of 0 or more steps, got "
                    + stablePhases + " and " + coolDownSteps);
        }
    }

    public static CachedSftModel teacher(TransformerConfig architecture, long steps, long seed, String dataTag) {
        return new CachedSftModel("teachers", "mathcode-teacher", architecture, List.of(steps), 0, seed, dataTag);
    }

    public static CachedSftModel baseStudent(TransformerConfig architecture, long steps, long seed, String dataTag) {
        return new CachedSftModel("students", "mathcode-base-student", architecture, List.of(steps), 0, seed, dataTag);
    }

    /** This recipe closed by a cool-down of {@code steps} (none for 0). */
    public CachedSftModel cooledDown(long steps) {
        return new CachedSftModel(folder, name, architecture, stablePhases, steps, seed, dataTag);
    }

    /** This recipe's stable phases and one more of {@code steps}, closed by the same cool-down. */
    public CachedSftModel trainedOn(long steps) {
        List<Long> phases = new ArrayList<>(stablePhases);
        phases.add(steps);
        return new CachedSftModel(folder, name, architecture, phases, coolDownSteps, seed, dataTag);
    }

    /** Steps at the peak learning rate, every stable phase together. */
    public long stableSteps() {
        return stablePhases.stream().mapToLong(Long::longValue).sum();
    }

    /** The recipe this one trains on from; empty for the first phase, which starts from random weights. */
    Optional<CachedSftModel> previous() {
        if (coolDownSteps > 0) {
            return Optional.of(cooledDown(0));
        }
        if (stablePhases.size() > 1) {
            return Optional.of(new CachedSftModel(folder, name, architecture, stablePhases.subList(0, stablePhases.size() - 1), 0, seed, dataTag));
        }
        return Optional.empty();
    }

    /**
     * The last phase's settings ({@link SupervisedTraining#stablePhase} or {@link SupervisedTraining#coolDown}; a later
     * phase's warm-up rebuilds Adam's moments, which checkpoints do not keep). The first phase is seeded by the
     * recipe's seed (its initialisation and batches); each later phase draws batches of its own.
     */
    public TrainingConfig training() {
        long phaseSeed = seed + stablePhases.size() - 1 + (coolDownSteps > 0 ? 1 : 0);
        return coolDownSteps == 0 ? SupervisedTraining.stablePhase(phaseSeed) : SupervisedTraining.coolDown(coolDownSteps, phaseSeed);
    }

    private long phaseSteps() {
        return coolDownSteps > 0 ? coolDownSteps : stablePhases.get(stablePhases.size() - 1);
    }

    /** The phases in words, as file names write them: {@code steps6000}, {@code steps6000+6000-cool600}. */
    public String phases() {
        return "steps" + stablePhases.stream().map(String::valueOf).collect(Collectors.joining("+")) + (coolDownSteps > 0 ? "-cool" + coolDownSteps : "");
    }

    /** Where the trained model is kept under KDSTREAM_HOME, so it is trained once per machine. */
    public Path cachedCheckpoint(Path home) {
        String file = name + "-" + Integer.toHexString(architecture.toString().hashCode()) + "-" + dataTag + "-" + phases() + "-seed" + seed + ".ckpt";
        return home.resolve(folder).resolve(file);
    }

    /**
     * Trains the model under {@code home} (unless it is there), its earlier phases first where they are missing, each
     * with a progress bar; returns the checkpoint.
     */
    public Path trainIfMissing(Path home, List<SupervisedTraining.Example> data) throws Exception {
        Path checkpoint = cachedCheckpoint(home);
        String digest = dataDigest(data);
        if (Files.exists(checkpoint)) {
            requireSameData(checkpoint, digest);
            return checkpoint;
        }
        Optional<Path> start = previous().isPresent() ? Optional.of(previous().get().trainIfMissing(home, data)) : Optional.empty();
        Files.createDirectories(checkpoint.toAbsolutePath().getParent());
        // a file of this process's own: cohorts prepared side by side in JVMs of their own may train a shared model (a
        // base student) at once, and the last to finish replaces the other's identical checkpoint
        Path partial = partialOf(checkpoint);
        long started = System.nanoTime();
        try (ProgressBar bar = Progress.bar(name + " SFT " + phases() + " (" + data.size() + " examples)", phaseSteps(), "steps")) {
            Consumer<StepMetrics> progress = metrics -> {
                bar.step();
                bar.setExtraMessage(String.format(" ce %.3f", metrics.ceLoss()));
            };
            if (start.isPresent()) {
                SupervisedTraining.trainFrom(start.get(), architecture, data, training(), phaseSteps(), partial, progress);
            } else {
                SupervisedTraining.train(architecture, data, training(), phaseSteps(), partial, progress);
            }
        }
        double earlier = start.isPresent() ? trainSeconds(start.get()).orElse(Double.NaN) : 0;
        Properties recorded = new Properties();
        recorded.setProperty("train.seconds", Double.toString(earlier + (System.nanoTime() - started) / 1e9));
        recorded.setProperty(DATA_DIGEST, digest);
        writeRecord(checkpoint, recorded);
        Files.move(partial, checkpoint, StandardCopyOption.ATOMIC_MOVE);
        return checkpoint;
    }

    /**
     * The file name names the data by its recipe (sizes, seed, difficulty, wrong share), not its content: a change to a
     * generator makes other data under the same name. The record keeps the digest of what the model was trained on, so
     * such a model is refused instead of silently standing in for one trained on today's data. Models recorded before
     * the digest existed are taken as they are.
     */
    private static void requireSameData(Path checkpoint, String digest) throws IOException {
        String trainedOn = recorded(checkpoint).map(values -> values.getProperty(DATA_DIGEST)).orElse(null);
        if (trainedOn != null && !trainedOn.equals(digest)) {
            throw new IllegalStateException("cached model " + checkpoint + " was trained on other data than its recipe makes now (data digest "
                    + trainedOn + ", now " + digest + "): the data generators have changed since; move it and its .train.properties aside, "
                    + "or use another KDSTREAM_HOME, to train it again");
        }
    }

    /** SHA-256 of the examples in order, each prompt and response: what a cached model was trained on. */
    static String dataDigest(List<SupervisedTraining.Example> data) {
        return LinesDigest.sha256(data.stream().map(example -> example.prompt() + "\u0000" + example.response()));
    }

    /** How long the cached model took to train, earlier phases included, where its training records are kept. */
    public static OptionalDouble trainSeconds(Path checkpoint) throws IOException {
        double seconds = recorded(checkpoint).map(values -> Double.parseDouble(values.getProperty("train.seconds", "NaN"))).orElse(Double.NaN);
        return Double.isNaN(seconds) ? OptionalDouble.empty() : OptionalDouble.of(seconds);
    }

    /**
     * What is known of the cached model beside its weights: its training time, and what has been measured of it since
     * (the gate's validation scores). A model trained again gets a fresh record, so nothing measured outlives it.
     */
    static Optional<Properties> recorded(Path checkpoint) throws IOException {
        Path record = trainingRecord(checkpoint);
        if (!Files.exists(record)) {
            return Optional.empty();
        }
        Properties recorded = new Properties();
        try (Reader reader = Files.newBufferedReader(record)) {
            recorded.load(reader);
        }
        return Optional.of(recorded);
    }

    /** Adds {@code values} to the model's record, replacing the file at once so a reader never sees half of it. */
    static void record(Path checkpoint, Properties values) throws IOException {
        Properties recorded = recorded(checkpoint).orElseGet(Properties::new);
        recorded.putAll(values);
        writeRecord(checkpoint, recorded);
    }

    private static void writeRecord(Path checkpoint, Properties recorded) throws IOException {
        Path record = trainingRecord(checkpoint);
        Path partial = partialOf(record);
        try (Writer writer = Files.newBufferedWriter(partial)) {
            recorded.store(writer, "how long " + checkpoint.getFileName() + " took to train, its earlier phases included, and what was measured of it");
        }
        Files.move(partial, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Where this process writes {@code file} before moving it into place: a name of its own, so two processes never share one. */
    private static Path partialOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".partial-" + ProcessHandle.current().pid());
    }

    private static Path trainingRecord(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".train.properties");
    }
}
