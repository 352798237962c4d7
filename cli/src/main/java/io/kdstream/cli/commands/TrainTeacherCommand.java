package io.kdstream.cli.commands;

import io.kdstream.cli.teacher.TeacherRecipe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kdstream train-teacher}: the reproducible recipe for the default math teacher. */
@Command(name = "train-teacher", mixinStandardHelpOptions = true,
        description = "Train the default math teacher with supervised fine-tuning on generated data (no Kafka needed).")
public final class TrainTeacherCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", description = "checkpoint file (default: the teacher cache under $KDSTREAM_HOME)")
    Path out;

    @Option(names = "--steps", description = "training steps (default: ${DEFAULT-VALUE})", defaultValue = "" + TeacherRecipe.DEFAULT_STEPS)
    long steps;

    @Option(names = "--cool-down", defaultValue = "0", description = "steps after --steps with the learning rate along a cosine to a "
            + "hundredth of its peak, which settles what a held rate leaves wandering (a tenth of the steps took a teacher's held-out math "
            + "from 0.59 to 0.94 in kdstream's benchmark); the demo's teacher has none (default: ${DEFAULT-VALUE})")
    long coolDown;

    @Option(names = "--seed", description = "seed for data and initialisation (default: ${DEFAULT-VALUE})", defaultValue = "7")
    long seed;

    @Override
    public Integer call() throws Exception {
        TeacherRecipe recipe;
        try {
            recipe = new TeacherRecipe(steps, coolDown, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path checkpoint = out != null ? out : recipe.cachedCheckpoint();
        TeacherRecipe.Result result = recipe.train(checkpoint);
        System.out.printf("teacher written to %s (sha256 %s); exact match on %d test problems: %.3f%n",
                checkpoint, result.sha256(), result.testExamples(), result.testExactMatch());
        return 0;
    }
}
