package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.RunStanding;
import io.kdstream.evaluator.leaderboard.Standings;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.schemas.topics.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code kdstream report}: every result in {@code kd.evals} folded into standings exactly as the leaderboard does,
 * written as one self-contained HTML file (SVG learning curves, table) and as markdown tables.
 */
public final class LeaderboardReport {

    private static final Logger log = LoggerFactory.getLogger(LeaderboardReport.class);

    /** What a report holds: the standings, and how many records of kd.evals could not be read (and were left out). */
    public record Contents(List<RunStanding> standings, int unreadable) {
    }

    private LeaderboardReport() {
    }

    public static Contents read(Map<String, Object> clientProperties) {
        Topic<String, EvalResult> evals = new TopicCatalogue(clientProperties).evals();
        List<EvalResult> results = new ArrayList<>();
        int[] unreadable = {0};
        try (TopicReader<byte[]> reader = TopicReader.raw(clientProperties, evals.name(), "kdstream-report")) {
            reader.readToEnd(record -> {
                if (record.value() == null) {
                    return; // a deleted result
                }
                try {
                    results.add(evals.valueSerde().deserializer().deserialize(record.topic(), record.value()));
                } catch (RuntimeException e) {
                    RegistryUnavailableException.in(e).ifPresent(outage -> {
                        throw outage; // the report fails rather than leave good results out
                    });
                    unreadable[0]++;
                    log.warn("{}-{}@{} is not an EvalResult and is left out of the report: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                }
            });
        }
        return new Contents(Standings.fold(results), unreadable[0]);
    }

    public static void write(Contents contents, Path html, Path markdown) throws IOException {
        Files.writeString(html, LeaderboardPage.render(contents.standings(), Instant.now(), 0), StandardCharsets.UTF_8);
        Files.writeString(markdown, LeaderboardMarkdown.render(contents.standings()), StandardCharsets.UTF_8);
    }
}
