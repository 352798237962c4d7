package io.kdstream.producers.ingest;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.producers.publish.PromptPublisher;
import io.kdstream.schemas.deadletter.DeadLetters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.LongConsumer;

/**
 * Streams a JSONL file of SDG examples into {@code kd.prompts}. Every bad line is reported with its number, written
 * to {@code <file>.rejected.jsonl} beside the input (line number, reason, original text) and to
 * {@code kd.deadletter}; the good lines go through. Memory stays constant however big the file: lines are read one
 * at a time with a length limit ({@link JsonlLines}), and sends block once the Kafka producer's bounded buffer
 * ({@code buffer.memory}) is full instead of queueing the file in the heap.
 */
public final class PromptFileIngester {

    private static final Logger log = LoggerFactory.getLogger(PromptFileIngester.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonlPromptParser parser;
    private final PromptPublisher publisher;
    private final DeadLetters deadLetters;
    private final int maxLineBytes;

    public PromptFileIngester(JsonlPromptParser parser, PromptPublisher publisher, DeadLetters deadLetters, int maxLineBytes) {
        this.parser = parser;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.maxLineBytes = maxLineBytes;
    }

    public static Path rejectedFileFor(Path input) {
        return input.resolveSibling(input.getFileName() + ".rejected.jsonl");
    }

    /** @param bytesRead called with the bytes read so far, for progress bars */
    public IngestSummary ingest(Path file, LongConsumer bytesRead) throws IOException {
        long started = System.currentTimeMillis();
        Path rejectedFile = rejectedFileFor(file);
        Files.deleteIfExists(rejectedFile);
        long lines = 0;
        long sent = 0;
        long rejected = 0;
        long blank = 0;
        long bytes = 0;
        BufferedWriter rejects = null;
        try (JsonlLines reader = new JsonlLines(file, maxLineBytes)) {
            JsonlLines.Line line;
            while ((line = reader.next()) != null) {
                lines++;
                bytes = line.offset() + line.length() + 1;
                if (line.text() != null && line.text().isBlank()) {
                    blank++;
                    continue;
                }
                String reason = line.invalidReason();
                if (reason == null) {
                    try {
                        publisher.send(parser.parse(line.text()));
                        sent++;
                    } catch (RejectedLineException e) {
                        reason = e.getMessage();
                    } catch (PromptPublisher.PublishException e) {
                        // not the line's fault (the registry away, a refusal): say how far the file got
                        throw new PromptPublisher.PublishException(file.getFileName() + ":" + line.number()
                                + " and the lines after it were not sent (" + sent + " before it were): " + e.getMessage()
                                + "; once that is put right, run the ingest again (a prompt's key is its content hash,"
                                + " so those sent already are replaced, not added)", e);
                    }
                }
                if (reason != null) {
                    rejected++;
                    if (rejects == null) {
                        rejects = Files.newBufferedWriter(rejectedFile, StandardCharsets.UTF_8);
                    }
                    reject(file, line, reason, rejects);
                }
                if (lines % 1000 == 0) {
                    bytesRead.accept(bytes);
                }
            }
            publisher.flush();
            bytesRead.accept(bytes);
        } finally {
            if (rejects != null) {
                rejects.close();
            }
        }
        return new IngestSummary(file, lines, sent, rejected, blank, rejectedFile, System.currentTimeMillis() - started);
    }

    private void reject(Path file, JsonlLines.Line line, String reason, BufferedWriter rejects) throws IOException {
        log.warn("{}:{}: rejected: {}", file.getFileName(), line.number(), reason);
        ObjectNode entry = JSON.createObjectNode().put("line", line.number()).put("error", reason);
        if (line.text() != null) {
            entry.put("text", line.text());
        } else {
            entry.put("bytes_base64", Base64.getEncoder().encodeToString(line.raw()));
        }
        rejects.write(entry.toString());
        rejects.newLine();
        deadLetters.publishLine(file.toString(), line.number(), line.raw(), new RejectedLineException(reason));
    }
}
