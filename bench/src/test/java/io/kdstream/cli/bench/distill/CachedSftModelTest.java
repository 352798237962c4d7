package io.kdstream.cli.bench.distill;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.trainer.training.LearningRateSchedule;
import io.kdstream.trainer.sft.SupervisedTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CachedSftModelTest {

    private static final TransformerConfig TEACHER = TransformerConfig.teacher(new CharTokenizer().vocabularySize());

    @Test
    void shouldNameEveryPhaseAndKeepAOnePhaseRecipesName() {
        CachedSftModel stable = CachedSftModel.teacher(TEACHER, 6000, 9, "m10000c10000d2011-medium-wrong0p1");
        CachedSftModel cooled = stable.cooledDown(600);
        CachedSftModel longer = cooled.trainedOn(6000);

        assertThat(stable.cachedCheckpoint(Path.of("home")).getFileName().toString()).endsWith("-m10000c10000d2011-medium-wrong0p1-steps6000-seed9.ckpt");
        assertThat(cooled.cachedCheckpoint(Path.of("home")).getFileName().toString()).endsWith("-steps6000-cool600-seed9.ckpt");
        assertThat(longer.cachedCheckpoint(Path.of("home")).getFileName().toString()).endsWith("-steps6000+6000-cool600-seed9.ckpt");
        assertThat(longer.stableSteps()).isEqualTo(12_000);
        assertThat(stable.cooledDown(0)).isEqualTo(stable);
    }

    @Test
    void shouldTrainEachPhaseOnFromThePreviousOne() {
        CachedSftModel stable = CachedSftModel.teacher(TEACHER, 6000, 9, "d");
        CachedSftModel longer = stable.trainedOn(6000).cooledDown(600);

        assertThat(stable.previous()).isEmpty();
        assertThat(longer.previous()).contains(stable.trainedOn(6000));
        assertThat(stable.trainedOn(6000).previous()).contains(stable);
    }

    @Test
    void shouldHoldTheRateInAStablePhaseAndCoolItAlongACosineToAHundredth() {
        CachedSftModel stable = CachedSftModel.teacher(TEACHER, 6000, 9, "d");
        CachedSftModel cooled = stable.cooledDown(600);

        assertThat(stable.training().schedule()).isEqualTo(LearningRateSchedule.CONSTANT);
        assertThat(stable.training().learningRateAt(5999)).isEqualTo(3e-3);
        assertThat(cooled.training().learningRateAt(49)).isEqualTo(3e-3);
        assertThat(cooled.training().learningRateAt(325)).isBetween(1.4e-3, 1.6e-3);
        assertThat(cooled.training().learningRateAt(599)).isCloseTo(3e-5, within(1e-7));
        // the first phase keeps the recipe's seed (its initialisation); later phases draw batches of their own
        assertThat(stable.training().seed()).isEqualTo(9);
        assertThat(List.of(cooled.training().seed(), stable.trainedOn(10).training().seed(), stable.trainedOn(10).cooledDown(5).training().seed()))
                .containsExactly(10L, 10L, 11L);
    }

    @Test
    void shouldReuseAModelTrainedOnTheSameDataAndRefuseOneTheGeneratorsWouldNowMakeOtherwise(@TempDir Path home) throws Exception {
        TransformerConfig tiny = new TransformerConfig(new CharTokenizer().vocabularySize(), 32, 16, 2, 1, 32).validate();
        CachedSftModel recipe = CachedSftModel.baseStudent(tiny, 2, 1, "m2c0d1");
        List<SupervisedTraining.Example> data = List.of(new SupervisedTraining.Example("What is 1+2?", "1+2=3. #### 3"),
                new SupervisedTraining.Example("What is 2+2?", "2+2=4. #### 4"));
        Path checkpoint = recipe.trainIfMissing(home, data);
        FileTime trained = Files.getLastModifiedTime(checkpoint);

        assertThat(recipe.trainIfMissing(home, List.copyOf(data))).isEqualTo(checkpoint);
        assertThat(Files.getLastModifiedTime(checkpoint)).as("found, not trained again").isEqualTo(trained);
        List<SupervisedTraining.Example> changed = List.of(data.get(0), new SupervisedTraining.Example("What is 2+2?", "2+2=4 #### 4"));
        assertThatThrownBy(() -> recipe.trainIfMissing(home, changed)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(checkpoint.toString()).hasMessageContaining("trained on other data");
    }

    @Test
    void shouldRefuseAPhaseOfNoSteps() {
        assertThatThrownBy(() -> CachedSftModel.teacher(TEACHER, 0, 9, "d")).hasMessageContaining("at least one step");
        assertThatThrownBy(() -> CachedSftModel.teacher(TEACHER, 10, 9, "d").cooledDown(-1)).hasMessageContaining("cool-down of 0 or more");
    }
}
