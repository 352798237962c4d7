package io.kdstream.schemas.topics;

import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.LogitRecordSummary;
import io.kdstream.schemas.logits.LogitSummaryDeserializer;
import io.kdstream.schemas.registry.RegistryEndpoint;
import io.kdstream.schemas.registry.SchemaRegistry;
import io.kdstream.schemas.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;

import java.util.List;
import java.util.Map;

/**
 * Every kdstream topic, in one place: names, partitions, topic configs, and key/value serdes. Services take topic
 * names and serdes from here, never from string literals. Values are Avro in the Confluent wire format; keys are
 * UTF-8 strings (dead letters keep the original key bytes).
 */
public final class TopicCatalogue {

    private static final String COMPACT = "compact";
    private static final int PARTITIONS = 4;

    /** SDG prompts; keyed by content hash, so compaction makes re-sending idempotent and keeps every example. */
    public static final TopicSpec PROMPTS = new TopicSpec("kd.prompts", PARTITIONS, Map.of("cleanup.policy", COMPACT));

    /** Prompts the cache router found uncached for the configured teacher. */
    public static final TopicSpec TEACHER_REQUESTS = new TopicSpec("kd.teacher.requests", PARTITIONS, Map.of());

    /** The logit cache: one record per (teacher, prompt[, chunk]), compacted so a replay rebuilds it exactly. */
    public static final TopicSpec TEACHER_LOGITS = new TopicSpec("kd.teacher.logits", PARTITIONS, Map.of(
            "cleanup.policy", COMPACT,
            "max.message.bytes", String.valueOf(4 * 1024 * 1024)));

    /** Checkpoints announced by trainers; keyed by run and step. */
    public static final TopicSpec CHECKPOINTS = new TopicSpec("kd.checkpoints", 1, Map.of("cleanup.policy", COMPACT));

    /** Evaluation results; keyed by run, step, dataset and split, so a re-delivered evaluation replaces itself. */
    public static final TopicSpec EVALS = new TopicSpec("kd.evals", 1, Map.of("cleanup.policy", COMPACT));

    /** Records a service could not process, with the reason. */
    public static final TopicSpec DEAD_LETTER = new TopicSpec("kd.deadletter", 1, Map.of("retention.ms", String.valueOf(30L * 24 * 3600 * 1000)));

    public static final List<TopicSpec> ALL = List.of(PROMPTS, TEACHER_REQUESTS, TEACHER_LOGITS, CHECKPOINTS, EVALS, DEAD_LETTER);

    private final Topic<String, Prompt> prompts;
    private final Topic<String, Prompt> teacherRequests;
    private final Topic<String, TeacherLogits> teacherLogits;
    private final Topic<String, CheckpointEvent> checkpoints;
    private final Topic<String, EvalResult> evals;
    private final Topic<byte[], DeadLetter> deadLetter;
    private final Deserializer<LogitRecordSummary> teacherLogitsSummaries;
    private final SchemaRegistry registry;

    /**
     * @param serdeConfigs at least {@code schema.registry.url}, and the registry's credentials if it needs them
     *                     ({@link RegistryEndpoint}); may name another Avro serde class ({@link AvroSerdes#SERDE_CLASS})
     */
    public TopicCatalogue(Map<String, ?> serdeConfigs) {
        this(serdeConfigs, SchemaRegistry.of(RegistryEndpoint.from(serdeConfigs)));
    }

    /**
     * The catalogue with kdstream's serdes asking {@code registry} (one that waits out outages, say:
     * {@link io.kdstream.schemas.registry.RegistryWait#blocking}); {@code serdeConfigs} as above.
     */
    public TopicCatalogue(Map<String, ?> serdeConfigs, SchemaRegistry registry) {
        this.registry = registry;
        this.prompts = new Topic<>(PROMPTS, Serdes.String(), AvroSerdes.valueSerde(serdeConfigs, registry, Prompt.getClassSchema()));
        this.teacherRequests = new Topic<>(TEACHER_REQUESTS, Serdes.String(), AvroSerdes.valueSerde(serdeConfigs, registry, Prompt.getClassSchema()));
        this.teacherLogits = new Topic<>(TEACHER_LOGITS, Serdes.String(), AvroSerdes.valueSerde(serdeConfigs, registry, TeacherLogits.getClassSchema()));
        this.checkpoints = new Topic<>(CHECKPOINTS, Serdes.String(), AvroSerdes.valueSerde(serdeConfigs, registry, CheckpointEvent.getClassSchema()));
        this.evals = new Topic<>(EVALS, Serdes.String(), AvroSerdes.valueSerde(serdeConfigs, registry, EvalResult.getClassSchema()));
        this.deadLetter = new Topic<>(DEAD_LETTER, Serdes.ByteArray(), AvroSerdes.valueSerde(serdeConfigs, registry, DeadLetter.getClassSchema()));
        this.teacherLogitsSummaries = new LogitSummaryDeserializer(registry);
    }

    public Topic<String, Prompt> prompts() {
        return prompts;
    }

    public Topic<String, Prompt> teacherRequests() {
        return teacherRequests;
    }

    public Topic<String, TeacherLogits> teacherLogits() {
        return teacherLogits;
    }

    /**
     * Reads a {@link #teacherLogits()} value's identity, split and sizes only, skipping its logits: for readers that
     * file records and decode them later. The values are in the Confluent wire format whatever serde class is set.
     */
    /** The registry kdstream's serdes of these topics ask (another serde class may use its own client of the same registry). */
    public SchemaRegistry registry() {
        return registry;
    }

    public Deserializer<LogitRecordSummary> teacherLogitsSummaries() {
        return teacherLogitsSummaries;
    }

    public Topic<String, CheckpointEvent> checkpoints() {
        return checkpoints;
    }

    public Topic<String, EvalResult> evals() {
        return evals;
    }

    public Topic<byte[], DeadLetter> deadLetter() {
        return deadLetter;
    }

    public static String checkpointKey(String runId, long step) {
        return runId + "/" + step;
    }

    public static String evalKey(String runId, long step, String dataset, String split) {
        return runId + "/" + step + "/" + dataset + "/" + split;
    }

}
