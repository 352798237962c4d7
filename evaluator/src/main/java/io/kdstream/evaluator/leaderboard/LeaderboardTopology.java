package io.kdstream.evaluator.leaderboard;

import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;

/**
 * The leaderboard: {@code kd.evals} aggregated into a table of {@link RunStanding}s, one a run, dataset and split,
 * kept in the queryable store {@link #STANDINGS_STORE}. Results are keyed by run, step, dataset and split, and a
 * standing keeps one point a step, so re-delivered evaluations replace themselves. Tombstones (compaction
 * deletes) are skipped; records that are not EvalResults go to {@code kd.deadletter}.
 */
public final class LeaderboardTopology {

    public static final String STANDINGS_STORE = "leaderboard-standings";

    private LeaderboardTopology() {
    }

    public static Topology build(TopicCatalogue topics, String service) {
        StreamsBuilder builder = new StreamsBuilder();
        Topic<String, EvalResult> evals = topics.evals();
        Topic<byte[], DeadLetter> deadLetters = topics.deadLetter();
        KStream<String, EvalDecoder.Decoded> decoded = builder
                .stream(evals.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("evals"))
                .filter((key, value) -> value != null, Named.as("skip-tombstones"))
                .processValues(() -> new EvalDecoder(evals.valueSerde().deserializer(), service), Named.as("decode"));
        decoded.filter((key, decode) -> decode.letter() != null, Named.as("undecodable"))
                .map((key, decode) -> KeyValue.pair(key == null ? null : key.getBytes(StandardCharsets.UTF_8), decode.letter()), Named.as("as-dead-letter"))
                .to(deadLetters.name(), Produced.with(deadLetters.keySerde(), deadLetters.valueSerde()).withName("dead-letters"));
        decoded.filter((key, decode) -> decode.result() != null, Named.as("decoded"))
                .map((key, decode) -> {
                    RunEval eval = RunEval.of(decode.result());
                    return KeyValue.pair(eval.standingKey(), eval);
                }, Named.as("by-run"))
                .groupByKey(Grouped.with("by-run", Serdes.String(), JsonSerde.of(RunEval.class)))
                .aggregate(() -> RunStanding.empty(null, null, null), (key, eval, standing) -> eval.addTo(standing), Named.as("standings"),
                        Materialized.<String, RunStanding, KeyValueStore<Bytes, byte[]>>as(STANDINGS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(RunStanding.class)));
        return builder.build();
    }
}
