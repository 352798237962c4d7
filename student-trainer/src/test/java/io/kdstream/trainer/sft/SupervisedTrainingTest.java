package io.kdstream.trainer.sft;

import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SupervisedTrainingTest {

    private static final int VOCABULARY = new CharTokenizer().vocabularySize();
    private static final TransformerConfig TINY = new TransformerConfig(VOCABULARY, 32, 16, 2, 1, 32).validate();
    private static final List<SupervisedTraining.Example> DATA = List.of(
            new SupervisedTraining.Example("What is 1+1?", "2 #### 2"), new SupervisedTraining.Example("What is 2+2?", "4 #### 4"));
    private static final TrainingConfig TRAINING = new TrainingConfig(0.0, 1.0, 1.0, 1, 1e-2, 1, 1.0, 2, 3);

    @Test
    void shouldTrainOnFromACheckpointsWeights(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.ckpt");
        SupervisedTraining.train(TINY, DATA, TRAINING, 60, first, metrics -> { });
        List<StepMetrics> fresh = new ArrayList<>();
        List<StepMetrics> onward = new ArrayList<>();

        SupervisedTraining.train(TINY, DATA, TRAINING, 1, dir.resolve("fresh.ckpt"), fresh::add);
        SupervisedTraining.trainFrom(first, TINY, DATA, TRAINING, 1, dir.resolve("onward.ckpt"), onward::add);

        // the same first batch: from the trained weights its loss is far below a random initialisation's
        assertThat(onward.get(0).ceLoss()).isLessThan(fresh.get(0).ceLoss() / 2);
    }

    @Test
    void shouldRefuseToTrainOnAModelOfAnotherShape(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.ckpt");
        SupervisedTraining.train(TINY, DATA, TRAINING, 1, first, metrics -> { });
        TransformerConfig wider = new TransformerConfig(VOCABULARY, 32, 32, 2, 1, 32).validate();

        assertThatThrownBy(() -> SupervisedTraining.trainFrom(first, wider, DATA, TRAINING, 1, dir.resolve("x.ckpt"), metrics -> { }))
                .isInstanceOf(CheckpointException.class);
    }
}
