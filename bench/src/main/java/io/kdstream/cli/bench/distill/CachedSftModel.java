package io.kdstream.cli.bench.distill;

import io.kdstream.cli.progress.Progress;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.trainer.sft.SupervisedTraining;
import io.kdstream.trainer.training.TrainingConfig;
import me.tongfei.progressbar.ProgressBar;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Properties;

/**
 * A model the benchmark trains once with kdstream's own SFT and keeps under KDSTREAM_HOME: the teacher, or the base
 * student every pretrained run starts from. Everything is a function of the architecture, the data, the step count and
 * the seed, so the file name is the recipe, and the same recipe finds the same file on the next run.
 *
 * @param folder  the folder under KDSTREAM_HOME ({@code teachers}, {@code students})
 * @param name    the file name's start, e.g. {@code mathcode-teacher}
 * @param dataTag names the training data (sizes, seed, difficulty, wrong share)
 */
public record CachedSftModel(String folder, String name, TransformerConfig architecture, long steps, long seed, String dataTag) {

    public static CachedSftModel teacher(TransformerConfig architecture, long steps, long seed, String dataTag) {
        return new CachedSftModel("teachers", "mathcode-teacher", architecture, steps, seed, dataTag);
    }

    public static CachedSftModel baseStudent(TransformerConfig architecture, long steps, long seed, String dataTag) {
        return new CachedSftModel("students", "mathcode-base-student", architecture, steps, seed, dataTag);
    }

    /** Batch 32, learning rate 3e-3 after 50 warm-up steps, clip 1, CE only: the default teacher recipe's settings. */
    public TrainingConfig training() {
        return new TrainingConfig(0.0, 1.0, 1.0, 1, 3e-3, 50, 1.0, 32, seed);
    }

    /** Where the trained model is kept under KDSTREAM_HOME, so it is trained once per machine. */
    public Path cachedCheckpoint(Path home) {
        String file = name + "-" + Integer.toHexString(architecture.toString().hashCode()) + "-" + dataTag + "-steps" + steps + "-seed" + seed + ".ckpt";
        return home.resolve(folder).resolve(file);
    }

    /** Trains the model into {@code checkpoint} (unless it exists) with a progress bar; returns the checkpoint. */
    public Path trainIfMissing(Path checkpoint, List<SupervisedTraining.Example> data) throws Exception {
        if (Files.exists(checkpoint)) {
            return checkpoint;
        }
        Files.createDirectories(checkpoint.toAbsolutePath().getParent());
        Path partial = checkpoint.resolveSibling(checkpoint.getFileName() + ".partial");
        long started = System.nanoTime();
        try (ProgressBar bar = Progress.bar(name + " SFT (" + data.size() + " examples)", steps, "steps")) {
            SupervisedTraining.train(architecture, data, training(), steps, partial, metrics -> {
                bar.step();
                bar.setExtraMessage(String.format(" ce %.3f", metrics.ceLoss()));
            });
        }
        Properties recorded = new Properties();
        recorded.setProperty("train.seconds", Double.toString((System.nanoTime() - started) / 1e9));
        try (Writer writer = Files.newBufferedWriter(trainingRecord(checkpoint))) {
            recorded.store(writer, "how long " + checkpoint.getFileName() + " took to train");
        }
        Files.move(partial, checkpoint, StandardCopyOption.ATOMIC_MOVE);
        return checkpoint;
    }

    /** How long the cached model took to train, where it was trained with its record kept beside it. */
    public static OptionalDouble trainSeconds(Path checkpoint) throws IOException {
        Path record = trainingRecord(checkpoint);
        if (!Files.exists(record)) {
            return OptionalDouble.empty();
        }
        Properties recorded = new Properties();
        try (Reader reader = Files.newBufferedReader(record)) {
            recorded.load(reader);
        }
        return OptionalDouble.of(Double.parseDouble(recorded.getProperty("train.seconds")));
    }

    private static Path trainingRecord(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".train.properties");
    }
}
