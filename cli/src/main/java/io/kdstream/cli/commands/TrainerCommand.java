package io.kdstream.cli.commands;

import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code kdstream trainer}. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Run the student trainer on kd.teacher.logits; checkpoints are announced on kd.checkpoints. "
                + "Settings: kdstream.trainer.* (steps, checkpoint.every, kd.weight, sft.weight, topk, batch.size, ...).")
public final class TrainerCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws InterruptedException {
        var settings = client.settings();
        TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
        ServiceRunner.runUntilStopped(trainer, settings);
        return trainer.failure() == null ? 0 : 1;
    }
}
