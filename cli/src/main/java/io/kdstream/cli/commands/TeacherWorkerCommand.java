package io.kdstream.cli.commands;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.InstanceIds;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream teacher-worker --checkpoint FILE}, or {@code --backend vllm --teacher-url URL} for a served teacher. */
@Command(name = "teacher-worker", mixinStandardHelpOptions = true,
        description = "Run one teacher worker: prompts in, top-K teacher logits out to kd.teacher.logits. Start several to scale out.")
public final class TeacherWorkerCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--checkpoint", description = "the teacher checkpoint (or kdstream.teacher.checkpoint)")
    Path checkpoint;

    @Option(names = "--backend", description = "djl (the checkpoint in this JVM, the default), vllm or sglang (a model server; or kdstream.teacher.backend)")
    String backend;

    @Option(names = "--teacher-url", description = "the served teacher's base URL, e.g. http://gpu-pool:8000 (or kdstream.teacher.served.url)")
    String teacherUrl;

    @Option(names = "--instance", description = "this worker's stable name in the group (default: the host name); "
            + "a restarted worker with the same name takes over its predecessor's unfinished transaction at once")
    String instance;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new HashMap<>();
        if (checkpoint != null) {
            flags.put("kdstream.teacher.checkpoint", checkpoint.toString());
        }
        if (backend != null) {
            flags.put("kdstream.teacher.backend", backend);
        }
        if (teacherUrl != null) {
            flags.put("kdstream.teacher.served.url", teacherUrl);
        }
        Settings settings = client.settings().with(flags);
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), instance != null ? instance : InstanceIds.ofThisHost());
        ServiceRunner.runUntilStopped(worker, settings);
        return worker.failure() == null ? 0 : 1;
    }
}
