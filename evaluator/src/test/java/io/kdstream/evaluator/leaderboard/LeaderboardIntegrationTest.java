package io.kdstream.evaluator.leaderboard;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kdstream.evaluator.report.LeaderboardReport;
import io.kdstream.evaluator.web.Leaderboard;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.kdstream.evaluator.leaderboard.EvalResults.invalid;
import static io.kdstream.evaluator.leaderboard.EvalResults.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leaderboard service on the embedded broker: kd.evals in, standings out over HTTP; the report from the same topic.
 * Both read committed evaluations only.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class LeaderboardIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldServeTheStandingsOfWhatTheEvaluatorPublished(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        String kd = "kd-" + UUID.randomUUID();
        String sft = "sft-" + UUID.randomUUID();
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "application.id", "leaderboard-it-" + UUID.randomUUID(),
                "state.dir", dir.resolve("state").toString(),
                "num.stream.threads", "1",
                "commit.interval.ms", "100",
                "statestore.cache.max.bytes", "0",
                "kdstream.leaderboard.port", "0"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, EvalResult> evals = KafkaClients.producer(client, catalogue.evals(), "test")) {
            for (EvalResult result : List.of(ok(kd, 100, 0.3), ok(kd, 200, 0.6), ok(kd, 200, 0.6), invalid(kd, 300), ok(sft, 100, 0.2))) {
                evals.send(new ProducerRecord<>(TopicCatalogue.EVALS.name(), EvalResults.key(result), result)).get();
            }
        }
        // an evaluator killed before committing its transaction: the evaluation is in the log, but is no evaluation
        try (KafkaProducer<byte[], byte[]> killed = KafkaClients.transactionalProducer(client, "leaderboard-it-" + UUID.randomUUID(), "test")) {
            killed.beginTransaction();
            EvalResult aborted = ok(kd, 400, 0.9);
            String topic = TopicCatalogue.EVALS.name();
            killed.send(new ProducerRecord<>(topic, catalogue.evals().keySerde().serializer().serialize(topic, EvalResults.key(aborted)),
                    catalogue.evals().valueSerde().serializer().serialize(topic, aborted))).get();
            killed.abortTransaction();
        }

        List<RunStanding> served;
        String page;
        try (Leaderboard leaderboard = new Leaderboard(LeaderboardConfig.from(settings))) {
            leaderboard.start();
            String base = "http://127.0.0.1:" + leaderboard.port();
            served = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> ours(JsonSerde.JSON.readValue(get(base + "/api/leaderboard", 200), new TypeReference<List<RunStanding>>() { }), kd, sft),
                            standings -> standings.size() == 2 && standings.get(0).curve().size() == 3);
            page = get(base + "/", 200);
            assertThat(get(base + "/nothing-here", 404)).contains("/api/leaderboard");
        }

        assertThat(served).extracting(RunStanding::runId).containsExactly(kd, sft);
        RunStanding first = served.get(0);
        assertThat(first.curve()).extracting(EvalPoint::step).as("the re-delivered step 200 is one point; the aborted step 400 none")
                .containsExactly(100L, 200L, 300L);
        assertThat(first.best().step()).isEqualTo(200);
        assertThat(first.latest().status().name()).isEqualTo("CHECKPOINT_INVALID");
        assertThat(page).contains("<polyline class=\"curve\" data-run=\"" + kd + "\"").contains("<tr data-run=\"" + sft + "\">");

        LeaderboardReport.Contents report = LeaderboardReport.read(client);
        assertThat(ours(report.standings(), kd, sft)).isEqualTo(served);
        Path html = dir.resolve("report.html");
        Path markdown = dir.resolve("report.md");
        LeaderboardReport.write(report, html, markdown);
        assertThat(Files.readString(html)).contains("<svg class=\"learning-curves\"").contains("data-run=\"" + kd + "\"");
        assertThat(Files.readString(markdown)).contains("| " + kd + " | 300 | 60.0% | 60.0% @ 200 |");
    }

    /** This test's standings (the embedded broker is shared with other tests), best first. */
    private static List<RunStanding> ours(List<RunStanding> standings, String... runs) {
        List<String> wanted = List.of(runs);
        return Standings.sorted(standings.stream().filter(s -> wanted.contains(s.runId())).toList());
    }

    private static String get(String url, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(expectedStatus);
        return response.body();
    }
}
