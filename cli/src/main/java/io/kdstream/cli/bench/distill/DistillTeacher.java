package io.kdstream.cli.bench.distill;

import io.kdstream.cli.progress.Progress;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.trainer.sft.SupervisedTraining;
import io.kdstream.trainer.training.TrainingConfig;
import me.tongfei.progressbar.ProgressBar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The distillation benchmark's teacher: the default teacher architecture (4 layers, width 128) trained with
 * kdstream's own SFT on the benchmark's training prompts, math and code together. Everything is a function of the
 * data, the step count and the seed, so the cached checkpoint's name says how to reproduce it
 * ({@code kdstream bench distill --teacher-steps N} with the same data sizes trains the same file).
 */
public final class DistillTeacher {

    private final long steps;
    private final long seed;
    private final String dataTag;

    /** @param dataTag names the training data in the checkpoint's file name (sizes and data seed) */
    public DistillTeacher(long steps, long seed, String dataTag) {
        this.steps = steps;
        this.seed = seed;
        this.dataTag = dataTag;
    }

    public TransformerConfig architecture() {
        return TransformerConfig.teacher(new CharTokenizer().vocabularySize());
    }

    /** Batch 32, learning rate 3e-3 after 50 warm-up steps, clip 1, CE only: the default teacher recipe's settings. */
    public TrainingConfig training() {
        return new TrainingConfig(0.0, 1.0, 1.0, 1, 3e-3, 50, 1.0, 32, seed);
    }

    /** Where the trained teacher is kept under KDSTREAM_HOME, so it is trained once per machine. */
    public Path cachedCheckpoint(Path home) {
        String name = "mathcode-teacher-" + Integer.toHexString(architecture().toString().hashCode()) + "-" + dataTag
                + "-steps" + steps + "-seed" + seed + ".ckpt";
        return home.resolve("teachers").resolve(name);
    }

    public Path cachedCheckpoint() {
        return cachedCheckpoint(EmbeddedPlatform.defaultHome());
    }

    /** Trains the teacher into {@code checkpoint} (unless it exists); returns the checkpoint. */
    public Path trainIfMissing(Path checkpoint, List<SupervisedTraining.Example> data) throws Exception {
        if (Files.exists(checkpoint)) {
            return checkpoint;
        }
        Files.createDirectories(checkpoint.toAbsolutePath().getParent());
        Path partial = checkpoint.resolveSibling(checkpoint.getFileName() + ".partial");
        try (ProgressBar bar = Progress.bar("teacher SFT (math+code)", steps, "steps")) {
            SupervisedTraining.train(architecture(), data, training(), steps, partial, metrics -> {
                bar.step();
                bar.setExtraMessage(String.format(" ce %.3f", metrics.ceLoss()));
            });
        }
        Files.move(partial, checkpoint, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return checkpoint;
    }

    public long steps() {
        return steps;
    }

    /** Trains the benchmark's default teacher alone: {@code DistillTeacher [steps]}. */
    public static void main(String[] args) throws Exception {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : DistillBenchmark.DEFAULT_TEACHER_STEPS;
        DistillData data = DistillData.generate(DistillBenchmark.TEACHER_TRAIN_PER_DATASET, 1, DistillBenchmark.DATA_SEED);
        DistillTeacher teacher = new DistillTeacher(steps, DistillBenchmark.TEACHER_SEED, data.tag());
        System.out.println(teacher.trainIfMissing(teacher.cachedCheckpoint(), data.teacherExamples()));
    }
}
