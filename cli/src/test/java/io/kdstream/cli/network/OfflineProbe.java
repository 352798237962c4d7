package io.kdstream.cli.network;

import ai.djl.Device;
import io.kdstream.cli.Kdstream;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.teacher.model.TeacherModel;
import io.kdstream.trainer.training.StudentOptimizer;
import io.kdstream.trainer.training.TrainingConfig;
import io.kdstream.trainer.training.TrainingExample;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a kdstream JVM does with DJL, run under {@link LoopbackOnlyGuard}: the {@code train-teacher} command (engine
 * start, training steps, a checkpoint), a teacher forward pass with top-K extraction, and a KD+SFT student step.
 * The guard prints each connection it refuses; the probe exits 3 if there was one. Argument: a scratch directory.
 */
public final class OfflineProbe {

    public static void main(String[] args) throws Exception {
        Path checkpoint = Path.of(args[0]).resolve("teacher.ckpt");
        int trained = new CommandLine(new Kdstream()).execute("train-teacher", "--steps", "2", "--out", checkpoint.toString());
        if (trained != 0) {
            throw new IllegalStateException("train-teacher exited " + trained);
        }
        CharTokenizer tokenizer = new CharTokenizer();
        List<TokenizedExample> examples = List.of(tokenizer.encodeExample("12+30=", "42"),
                tokenizer.encodeExample("7*6=", "42"));
        List<TopKLogits> topK;
        try (TeacherModel teacher = TeacherModel.load(checkpoint, "probe", "1", tokenizer, Device.cpu())) {
            topK = teacher.topK(examples.stream().map(TokenizedExample::tokens).toList(), 8);
        }
        List<TrainingExample> batch = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            batch.add(TrainingExample.withTeacher(examples.get(i), topK.get(i)));
        }
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), 1);
             StudentOptimizer optimizer = new StudentOptimizer(student, TrainingConfig.defaults())) {
            System.out.println("KD+SFT step: " + optimizer.step(batch));
        }
        System.exit(LoopbackOnlyGuard.refused().isEmpty() ? 0 : 3);
    }
}
