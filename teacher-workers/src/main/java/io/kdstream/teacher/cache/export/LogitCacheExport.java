package io.kdstream.teacher.cache.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.schemas.topics.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Streams one teacher's cached sequences from the logit cache topic to a JSONL file in a trainer's format, one line a
 * sequence, reading the topic from its beginning to its current end.
 *
 * <p>Memory does not grow with the logits: a sequence is written as soon as its record (or its last chunk) is read,
 * and only unfinished chunked sequences and the prompt ids written so far are held (so a prompt computed again before
 * compaction removed the older record is written once). A record that cannot be decoded is reported with its
 * partition and offset and left out; it stays in the topic.
 */
public final class LogitCacheExport {

    private static final Logger log = LoggerFactory.getLogger(LogitCacheExport.class);

    /** What an export wrote and left out. */
    public record Summary(long sequences, long tokens, long malformed) {
    }

    /** Told of every record read, for a progress bar. */
    public interface Progress {
        void total(long records);

        void read(long records, long sequencesWritten);
    }

    private LogitCacheExport() {
    }

    public static Summary export(Map<String, Object> clientProperties, TopicCatalogue catalogue, String teacherFingerprint,
                                 ExportFormat format, Path out, Progress progress) throws IOException {
        String topic = catalogue.teacherLogits().name();
        Deserializer<TeacherLogits> values = catalogue.teacherLogits().valueSerde().deserializer();
        String keyPrefix = LogitsKey.of(teacherFingerprint, "");
        ChunkAssembler assembler = new ChunkAssembler();
        Set<String> written = new HashSet<>();
        long[] counts = new long[4]; // records read, sequences, tokens, malformed
        try (TopicReader<byte[]> reader = TopicReader.raw(clientProperties, topic, "kdstream-cache-export");
             Writer file = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             JsonGenerator json = new JsonFactory().createGenerator(file)) {
            json.setRootValueSeparator(null);
            progress.total(reader.recordsToEnd());
            reader.readToEnd(record -> {
                counts[0]++;
                if (record.value() != null && record.key() != null
                        && new String(record.key(), StandardCharsets.UTF_8).startsWith(keyPrefix)) {
                    decode(record, values, assembler, counts).filter(sequence -> written.add(sequence.promptId()))
                            .ifPresent(sequence -> {
                                writeLine(format, sequence, json);
                                counts[1]++;
                                counts[2] += sequence.tokens().length;
                            });
                }
                progress.read(counts[0], counts[1]);
            });
        }
        return new Summary(counts[1], counts[2], counts[3]);
    }

    private static Optional<SequenceLogits> decode(ConsumerRecord<byte[], byte[]> record, Deserializer<TeacherLogits> values,
                                                   ChunkAssembler assembler, long[] counts) {
        try {
            return assembler.accept(values.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            RegistryUnavailableException.in(e).ifPresent(outage -> {
                throw outage; // the export fails rather than leave good records out
            });
            counts[3]++;
            log.warn("record {}-{}@{} left out of the export: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    private static void writeLine(ExportFormat format, SequenceLogits sequence, JsonGenerator json) {
        try {
            format.write(sequence, json);
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the export: " + e.getMessage(), e);
        }
    }
}
