package io.kdstream.evaluator.leaderboard;

import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static io.kdstream.evaluator.leaderboard.EvalResults.code;
import static io.kdstream.evaluator.leaderboard.EvalResults.invalid;
import static io.kdstream.evaluator.leaderboard.EvalResults.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** The leaderboard's topology without a broker or a registry process (the Avro serdes use an in-memory registry). */
class LeaderboardTopologyTest {

    private static final String REGISTRY = "mock://leaderboard-topology";

    private TopologyTestDriver driver;
    private TestInputTopic<String, EvalResult> evals;
    private TestInputTopic<String, byte[]> rawEvals;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    private KeyValueStore<String, RunStanding> store;

    @BeforeEach
    void startDriver(@TempDir Path stateDir) {
        LeaderboardConfig config = LeaderboardConfig.from(Settings.of(Map.of(
                "bootstrap.servers", "unused:9092",
                "schema.registry.url", REGISTRY,
                "state.dir", stateDir.toString())));
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        TopicCatalogue catalogue = new TopicCatalogue(config.streamsProperties());
        driver = new TopologyTestDriver(LeaderboardTopology.build(catalogue, LeaderboardConfig.SERVICE), props);
        evals = driver.createInputTopic(TopicCatalogue.EVALS.name(), new StringSerializer(), catalogue.evals().valueSerde().serializer());
        rawEvals = driver.createInputTopic(TopicCatalogue.EVALS.name(), new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(TopicCatalogue.DEAD_LETTER.name(), new ByteArrayDeserializer(), catalogue.deadLetter().valueSerde().deserializer());
        store = driver.getKeyValueStore(LeaderboardTopology.STANDINGS_STORE);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void publish(EvalResult result) {
        evals.pipeInput(EvalResults.key(result), result);
    }

    @Test
    void shouldKeepEachRunsCurveLatestAndBestApartPerDataset() {
        publish(ok("run-a", 200, 0.5));
        publish(ok("run-a", 100, 0.2));
        publish(ok("run-b", 100, 0.1));
        publish(ok("run-a", 300, 0.4));
        publish(invalid("run-a", 400));
        publish(code("run-a", 100, 0.3));

        RunStanding a = store.get(RunStanding.key("run-a", "math", "TEST"));
        assertThat(a.curve()).extracting(EvalPoint::step).containsExactly(100L, 200L, 300L, 400L);
        assertThat(a.curve()).extracting(EvalPoint::accuracy).containsExactly(0.2, 0.5, 0.4, null);
        assertThat(a.latest().step()).isEqualTo(400);
        assertThat(a.best().step()).isEqualTo(200);
        assertThat(a.failures()).isEqualTo(1);
        assertThat(a.curve().get(3).error()).contains("SHA-256");
        assertThat(store.get(RunStanding.key("run-b", "math", "TEST")).curve()).singleElement().satisfies(p -> assertThat(p.accuracy()).isEqualTo(0.1));
        assertThat(store.get(RunStanding.key("run-a", "code", "TEST")).best().accuracy()).as("pass@1 for code").isEqualTo(0.3);
        assertThat(store.get(RunStanding.key("run-a", "code", "TEST")).latest().solvedByFamily()).isEqualTo(Map.of("affine", 0.0, "fizzsum", 0.6));
        assertThat(a.latest().solvedByFamily()).as("math results name no family").isEmpty();
    }

    @Test
    void shouldReadStandingsKeptBeforeScoresByFamilyExistedWithNone() {
        RunStanding kept = JsonSerde.of(RunStanding.class).deserializer().deserialize("t", ("{\"runId\":\"run-a\",\"dataset\":\"math\",\"split\":\"TEST\","
                + "\"curve\":[{\"step\":100,\"status\":\"OK\",\"accuracy\":0.5,\"answerCrossEntropy\":1.0,\"teacherAgreement\":null,\"teacherKl\":null,"
                + "\"examples\":10,\"error\":null,\"evaluatedAtMillis\":1}]}").getBytes(StandardCharsets.UTF_8));

        assertThat(kept.latest().accuracy()).isEqualTo(0.5);
        assertThat(kept.latest().solvedByFamily()).isEmpty();
    }

    @Test
    void shouldReplaceARedeliveredEvaluationInsteadOfAddingAPoint() {
        publish(ok("run-a", 100, 0.2));
        publish(ok("run-a", 100, 0.2));
        publish(ok("run-a", 100, 0.25)); // the same checkpoint evaluated again after a restart

        RunStanding a = store.get(RunStanding.key("run-a", "math", "TEST"));
        assertThat(a.curve()).singleElement().satisfies(p -> assertThat(p.accuracy()).isEqualTo(0.25));
    }

    @Test
    void shouldDeadLetterWhatIsNotAnEvalResultSkipTombstonesAndGoOn() {
        rawEvals.pipeInput("run-x/1/math/TEST", "not avro".getBytes(StandardCharsets.UTF_8));
        rawEvals.pipeInput("run-a/100/math/TEST", (byte[]) null);
        publish(ok("run-a", 100, 0.2));

        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getSourceTopic()).isEqualTo(TopicCatalogue.EVALS.name());
        assertThat(letter.getSourceOffset()).isZero();
        assertThat(letter.getService()).isEqualTo(LeaderboardConfig.SERVICE);
        assertThat(new String(letter.getKey().array(), StandardCharsets.UTF_8)).isEqualTo("run-x/1/math/TEST");
        assertThat(deadLetters.isEmpty()).as("a tombstone is not a dead letter").isTrue();
        assertThat(store.get(RunStanding.key("run-a", "math", "TEST")).curve()).hasSize(1);
    }
}
