package io.kdstream.cli.commands;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.platform.service.InstanceIds;
import io.kdstream.platform.service.ServiceRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code kdstream evaluator}. */
@Command(name = "evaluator", mixinStandardHelpOptions = true,
        description = "Run the evaluator: scores every checkpoint announced on kd.checkpoints and publishes kd.evals.")
public final class EvaluatorCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--instance", description = "this evaluator's stable name (default: the host name); a restarted evaluator"
            + " with the same name aborts its predecessor's unfinished transaction at once")
    String instance;

    @Override
    public Integer call() throws InterruptedException {
        var settings = client.settings();
        EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings), instance != null ? instance : InstanceIds.ofThisHost());
        ServiceRunner.runUntilStopped(evaluator, settings);
        return evaluator.failure() == null ? 0 : 1;
    }
}
