package io.kdstream.teacher.router;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The cache router: prompts whose logits the configured teacher has already cached are skipped; the rest become
 * teacher requests. Only the logit cache's keys are read (teacher and prompt), never its large values; a tombstone
 * (a pruned entry) makes its prompt uncached again.
 */
public final class CacheRouterTopology {

    /** Prompt ids this teacher has cached, keyed by prompt id so it joins with {@code kd.prompts}. */
    public static final String CACHED_PROMPTS_STORE = "cached-prompts";
    private static final String CACHED = "cached";

    private CacheRouterTopology() {
    }

    public static Topology build(String teacherFingerprint, TopicCatalogue topics) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> cached = builder
                .stream(topics.teacherLogits().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("logit-cache-keys"))
                .filter((key, value) -> key != null && TopicCatalogue.teacherOfLogitsKey(key).equals(teacherFingerprint), Named.as("this-teacher"))
                .map((key, value) -> KeyValue.pair(TopicCatalogue.promptOfLogitsKey(key), value == null ? null : CACHED), Named.as("by-prompt-id"))
                .toTable(Named.as("cached"), Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(CACHED_PROMPTS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
        Topic<String, Prompt> prompts = topics.prompts();
        builder.stream(prompts.name(), Consumed.with(prompts.keySerde(), prompts.valueSerde()).withName("prompts"))
                .leftJoin(cached, (prompt, mark) -> mark == null ? prompt : null,
                        Joined.with(prompts.keySerde(), prompts.valueSerde(), Serdes.String()).withName("skip-cached"))
                .filter((id, uncached) -> uncached != null, Named.as("uncached"))
                .to(topics.teacherRequests().name(), Produced.with(topics.teacherRequests().keySerde(), topics.teacherRequests().valueSerde())
                        .withName("teacher-requests"));
        return builder.build();
    }
}
