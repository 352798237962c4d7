package io.kdstream.producers;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.producers.ingest.IngestSummary;
import io.kdstream.producers.ingest.JsonlPromptParser;
import io.kdstream.producers.ingest.PromptFileIngester;
import io.kdstream.producers.ingest.PromptText;
import io.kdstream.producers.publish.PromptPublisher;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.topics.TopicCatalogue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** The producer service: JSONL files and generated prompts into {@code kd.prompts}. */
public final class PromptProducer implements AutoCloseable {

    public static final String SERVICE = "kdstream-producer";

    private final PromptProducerConfig config;
    private final PromptPublisher publisher;
    private final DeadLetters deadLetters;
    private final PromptText text;

    public PromptProducer(PromptProducerConfig config) {
        this.config = config;
        this.text = new PromptText(config.characters(), Tokenizers.load(config.tokenizer(), config.chatTemplate()));
        Map<String, Object> client = config.settings().clientProperties();
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.PROMPTS, TopicCatalogue.DEAD_LETTER));
        TopicCatalogue catalogue = new TopicCatalogue(client);
        this.publisher = new PromptPublisher(client, catalogue.prompts());
        this.deadLetters = new DeadLetters(SERVICE, client, catalogue.deadLetter());
    }

    public IngestSummary ingest(Path file, LongConsumer bytesRead) throws IOException {
        JsonlPromptParser parser = new JsonlPromptParser(config.dataset(), file.getFileName().toString(), config.maxChars(),
                config.fields(), text);
        return new PromptFileIngester(parser, publisher, deadLetters, config.maxLineBytes()).ingest(file, bytesRead);
    }

    /** Sends prompts made in this process (the synthetic generators) and waits until all are stored. */
    public void send(List<Prompt> prompts) {
        prompts.forEach(publisher::send);
        publisher.flush();
    }

    @Override
    public void close() {
        publisher.close();
        deadLetters.close();
    }

    /** {@code PromptProducer FILE.jsonl}: settings from {@code KDSTREAM_CONFIG} (a properties file) and the environment. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PromptProducer FILE.jsonl");
            System.exit(2);
        }
        try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(Settings.fromProcessEnvironment()))) {
            IngestSummary summary = producer.ingest(Path.of(args[0]), bytes -> { });
            System.out.println(summary);
            System.exit(summary.clean() ? 0 : 1);
        }
    }
}
