package io.kdstream.teacher.router;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The cache router: a prompt becomes a teacher request only if the configured teacher has neither cached it nor
 * been asked for it already, so sending the same SDG data twice costs no teacher compute. A tombstone in the logit
 * cache (a pruned entry) forgets the prompt, so it is requested again when it next arrives.
 *
 * <p>Only the logit cache's keys (teacher and prompt) are read, never its large values. Both inputs are keyed by
 * prompt id and share one state store, {@value #ROUTED_PROMPTS_STORE}: prompt id → cached or requested.
 */
public final class CacheRouterTopology {

    public static final String ROUTED_PROMPTS_STORE = "routed-prompts";
    private static final String CACHED = "cached";
    private static final String REQUESTED = "requested";

    private CacheRouterTopology() {
    }

    public static Topology build(String teacherFingerprint, TopicCatalogue topics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ROUTED_PROMPTS_STORE), Serdes.String(), Serdes.String()));

        builder.stream(topics.teacherLogits().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("logit-cache-keys"))
                .filter((key, value) -> key != null && LogitsKey.teacherOf(key).equals(teacherFingerprint), Named.as("this-teacher"))
                .map((key, value) -> KeyValue.pair(LogitsKey.promptOf(key), value == null ? null : CACHED), Named.as("by-prompt-id"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName("cache-by-prompt-id"))
                .process(MarkCached::new, Named.as("mark-cached"), ROUTED_PROMPTS_STORE);

        Topic<String, Prompt> prompts = topics.prompts();
        Topic<String, Prompt> requests = topics.teacherRequests();
        builder.stream(prompts.name(), Consumed.with(prompts.keySerde(), prompts.valueSerde()).withName("prompts"))
                .process(RequestIfNew::new, Named.as("request-if-new"), ROUTED_PROMPTS_STORE)
                .to(requests.name(), Produced.with(requests.keySerde(), requests.valueSerde()).withName("teacher-requests"));
        return builder.build();
    }

    /** Records what the logit cache holds for this teacher. */
    private static final class MarkCached implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> routed;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            routed = context.getStateStore(ROUTED_PROMPTS_STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            if (record.value() == null) {
                routed.delete(record.key());
            } else {
                routed.put(record.key(), CACHED);
            }
        }
    }

    /**
     * Forwards a prompt the teacher has neither cached nor been asked for, and remembers asking. A prompt keyed other
     * than by its id is refused ({@link PromptKeyException}: the processing exception handler dead-letters it); a
     * tombstone (a prompt deleted from the compacted topic) asks nothing of the teacher.
     */
    private static final class RequestIfNew implements Processor<String, Prompt, String, Prompt> {
        private ProcessorContext<String, Prompt> context;
        private KeyValueStore<String, String> routed;

        @Override
        public void init(ProcessorContext<String, Prompt> context) {
            this.context = context;
            this.routed = context.getStateStore(ROUTED_PROMPTS_STORE);
        }

        @Override
        public void process(Record<String, Prompt> record) {
            if (record.value() == null) {
                return;
            }
            String id = record.value().getId();
            if (record.key() == null) {
                throw PromptKeyException.missing(id);
            }
            if (!record.key().equals(id)) {
                throw PromptKeyException.mismatched(record.key(), id);
            }
            if (routed.get(record.key()) != null) {
                return;
            }
            routed.put(record.key(), REQUESTED);
            context.forward(record);
        }
    }
}
