package io.kdstream.cli.commands;

import io.kdstream.cli.progress.Progress;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.ingest.IngestSummary;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kdstream produce FILE.jsonl}. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send a JSONL file of SDG examples to kd.prompts. Bad lines go to FILE.rejected.jsonl and kd.deadletter; exit code 1 if any.")
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "FILE.jsonl")
    Path file;

    @Override
    public Integer call() throws Exception {
        try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(client.settings()));
             ProgressBar bar = Progress.bytes("produce " + file.getFileName(), Files.size(file))) {
            IngestSummary summary = producer.ingest(file, bar::stepTo);
            bar.close();
            System.out.println(summary);
            return summary.clean() ? 0 : 1;
        }
    }
}
