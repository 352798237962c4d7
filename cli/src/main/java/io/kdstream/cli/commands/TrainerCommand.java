package io.kdstream.cli.commands;

import io.kdstream.cli.progress.Progress;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import io.kdstream.trainer.training.StepMetrics;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream trainer}. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Run the student trainer on kd.teacher.logits; checkpoints are announced on kd.checkpoints. "
                + "Started again with the same run id (kdstream.trainer.run.id, default 'default') it resumes from its newest valid "
                + "checkpoint; a new run takes a new id. "
                + "Settings: kdstream.trainer.* (steps, checkpoint.every, kd.weight, sft.weight, topk, batch.size, batch.tokens, "
                + "epochs, fresh.share, lr.schedule, cache.dir, ...).")
public final class TrainerCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--rebuild-cache", description = "throw away the local cache and rebuild it by replaying kd.teacher.logits from the beginning")
    boolean rebuildCache;

    @Option(names = "--no-progress", description = "no progress bar (the meters on --http-port still show progress)")
    boolean noProgress;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = client.settings();
        if (rebuildCache) {
            settings = settings.with(Map.of("kdstream.trainer.cache.rebuild", "true"));
        }
        TrainerConfig config = TrainerConfig.from(settings);
        TrainerService trainer = new TrainerService(config);
        Thread bar = null;
        if (!noProgress) {
            bar = new Thread(() -> showProgress(trainer, config), "trainer-progress");
            bar.setDaemon(true);
            bar.start();
        }
        ServiceRunner.runUntilStopped(trainer, settings);
        if (bar != null) {
            bar.join(2000);
        }
        return trainer.failure() == null ? 0 : 1;
    }

    private static void showProgress(TrainerService trainer, TrainerConfig config) {
        try (ProgressBar bar = Progress.bar("trainer " + config.runId(), config.maxSteps(), "steps")) {
            while (!trainer.isStopped()) {
                show(bar, trainer.progress());
                Thread.sleep(250);
            }
            show(bar, trainer.progress());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void show(ProgressBar bar, TrainerService.Progress progress) {
        bar.stepTo(progress.step());
        StepMetrics last = progress.lastStep();
        String loss = last == null ? "" : String.format(" loss %.3f (kd %.3f ce %.3f) %.0f tok/s", last.totalLoss(), last.kdLoss(),
                last.ceLoss(), progress.tokensPerSecond());
        String deadLettered = progress.deadLettered() == 0 ? "" : " dead-lettered " + progress.deadLettered();
        bar.setExtraMessage(String.format(" %s epoch %d%s cache %d seq %d MB lag %d%s", progress.phase().name().toLowerCase(),
                progress.epoch(), loss, progress.cachedExamples(), progress.cacheBytes() >> 20, progress.lag(), deadLettered));
    }
}
