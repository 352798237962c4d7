package io.kdstream.cli.commands;

import io.kdstream.cli.teacher.TeacherRecipe;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.teacher.serve.TeacherServer;
import io.kdstream.teacher.serve.TeacherServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream serve-teacher}: a teacher checkpoint behind vLLM's and SGLang's HTTP APIs. */
@Command(name = "serve-teacher", mixinStandardHelpOptions = true,
        description = "Serve a teacher checkpoint with vLLM's /v1/completions (prompt_logprobs), SGLang's /generate, "
                + "/tokenize and /v1/models, for workers with kdstream.teacher.backend=vllm or sglang. "
                + "Its tokenizer is -D kdstream.serve.tokenizer=char (the default) or the path of the tokenizer.json "
                + "the checkpoint was trained with; a checkpoint of another tokenizer is refused.")
public final class ServeTeacherCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--checkpoint", description = "the teacher checkpoint (default: the default teacher, trained once and kept under $KDSTREAM_HOME)")
    Path checkpoint;

    @Option(names = "--port", description = "port (or kdstream.serve.port; default 8000, 0 picks a free one)")
    Integer port;

    @Option(names = "--host", description = "address to listen on (or kdstream.serve.host; default 127.0.0.1)")
    String host;

    @Override
    public Integer call() throws Exception {
        Settings base = client.settings();
        Map<String, String> flags = new LinkedHashMap<>();
        if (checkpoint != null) {
            flags.put("kdstream.serve.checkpoint", checkpoint.toString());
        } else if (!base.asMap().containsKey("kdstream.serve.checkpoint")) {
            Path teacher = new TeacherRecipe(TeacherRecipe.DEFAULT_STEPS, 7).cachedCheckpoint();
            if (!Files.exists(teacher)) {
                System.err.println("no teacher checkpoint at " + teacher + ": run ./kdstream train-teacher first, or pass --checkpoint");
                return 2;
            }
            flags.put("kdstream.serve.checkpoint", teacher.toString());
        }
        if (port != null) {
            flags.put("kdstream.serve.port", port.toString());
        }
        if (host != null) {
            flags.put("kdstream.serve.host", host);
        }
        Settings settings = base.with(flags);
        TeacherServer server = new TeacherServer(TeacherServerConfig.from(settings));
        ServiceRunner.runUntilStopped(server, settings);
        return 0;
    }
}
