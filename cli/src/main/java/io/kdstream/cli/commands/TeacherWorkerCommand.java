package io.kdstream.cli.commands;

import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kdstream teacher-worker --checkpoint FILE}. */
@Command(name = "teacher-worker", mixinStandardHelpOptions = true,
        description = "Run one teacher worker: prompts in, top-K teacher logits out to kd.teacher.logits. Start several to scale out.")
public final class TeacherWorkerCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--checkpoint", description = "the teacher checkpoint (or kdstream.teacher.checkpoint)")
    Path checkpoint;

    @Option(names = "--instance", description = "this worker's stable name in the group (default: the host name); "
            + "a restarted worker with the same name takes over its predecessor's unfinished transaction at once")
    String instance;

    @Override
    public Integer call() throws InterruptedException {
        var settings = client.settings();
        if (checkpoint != null) {
            settings = settings.with(java.util.Map.of("kdstream.teacher.checkpoint", checkpoint.toString()));
        }
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), instance != null ? instance : TeacherWorker.defaultInstanceId());
        ServiceRunner.runUntilStopped(worker, settings);
        return worker.failure() == null ? 0 : 1;
    }
}
