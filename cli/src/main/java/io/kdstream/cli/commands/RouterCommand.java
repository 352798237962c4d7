package io.kdstream.cli.commands;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream router}. */
@Command(name = "router", mixinStandardHelpOptions = true,
        description = "Run the cache router: kd.prompts -> kd.teacher.requests, skipping prompts the teacher has already cached.")
public final class RouterCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @ArgGroup(multiplicity = "0..1")
    Teacher teacher;

    static final class Teacher {
        @Option(names = "--teacher-fingerprint", description = "the teacher's fingerprint (or kdstream.router.teacher.fingerprint)")
        String fingerprint;

        @Option(names = "--checkpoint", description = "compute the fingerprint from this teacher checkpoint and kdstream.teacher.model.id/revision")
        Path checkpoint;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = client.settings();
        if (teacher != null) {
            String fingerprint = teacher.fingerprint;
            if (fingerprint == null) {
                fingerprint = TeacherBackends.checkpointFingerprint(
                        TeacherWorkerConfig.from(settings.with(Map.of("kdstream.teacher.checkpoint", teacher.checkpoint.toString()))));
            }
            settings = settings.with(Map.of("kdstream.router.teacher.fingerprint", fingerprint));
        }
        ServiceRunner.runUntilStopped(new CacheRouter(CacheRouterConfig.from(settings)), settings);
        return 0;
    }
}
