package io.kdstream.cli.commands;

import io.kdstream.cli.progress.Progress;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.ingest.IngestSummary;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream produce FILE.jsonl [--field prompt=question ...] [--characters normalise]}. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send a JSONL file of SDG examples to kd.prompts. Bad lines go to FILE.rejected.jsonl and kd.deadletter; exit code 1 if any.",
                "Lines are prompt/response pairs, chat 'messages' [{role, content}] ending with the assistant's turn, or "
                        + "OpenMathInstruct-2 fields (problem, generated_solution, expected_answer)."})
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "FILE.jsonl")
    Path file;

    @Option(names = "--field", paramLabel = "FIELD=NAME",
            description = "read a Prompt field under another JSON name, e.g. --field prompt=question --field response=answer "
                    + "(fields: prompt, response, messages, expected_answer, dataset, split, source, metadata)")
    List<String> fields = new ArrayList<>();

    @Option(names = "--characters", paramLabel = "POLICY",
            description = "characters the tokenizer cannot encode (it knows printable ASCII and newline): reject the line (default) "
                    + "or normalise accents and typographic characters to ASCII first")
    String characters;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        if (!fields.isEmpty()) {
            flags.put(PromptProducerConfig.FIELDS, String.join(",", fields));
        }
        if (characters != null) {
            flags.put(PromptProducerConfig.CHARACTERS, characters);
        }
        PromptProducerConfig config = PromptProducerConfig.from(client.settings().with(flags));
        try (PromptProducer producer = new PromptProducer(config);
             ProgressBar bar = Progress.bytes("produce " + file.getFileName(), Files.size(file))) {
            IngestSummary summary = producer.ingest(file, bar::stepTo);
            bar.close();
            System.out.println(summary);
            return summary.clean() ? 0 : 1;
        }
    }
}
