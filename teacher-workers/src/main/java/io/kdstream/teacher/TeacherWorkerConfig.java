package io.kdstream.teacher;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.config.Validators;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.teacher.backend.SampledProposal;
import io.kdstream.teacher.backend.served.ServedApi;
import io.kdstream.teacher.backend.served.ServedTeacherConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The teacher worker's settings ({@code kdstream.teacher.*}); Kafka client properties pass through.
 *
 * <p>{@code kdstream.teacher.backend} says where the teacher runs: {@code djl} (the checkpoint in this JVM, the default),
 * {@code vllm} or {@code sglang} (a model server, {@code kdstream.teacher.served.*}).
 *
 * @param checkpoint     the teacher's checkpoint file (the {@code djl} backend; null for a served teacher)
 * @param served         how to reach a served teacher (null for {@code djl})
 * @param modelId        the teacher's name, part of its fingerprint; for a served teacher the model to ask for, null
 *                       for the server's own
 * @param revision       the in-process teacher's revision, part of its fingerprint (a served teacher's is
 *                       {@code kdstream.teacher.served.revision} or the server's)
 * @param topK           entries kept a position
 * @param encoding       how top-K entries are written: {@code packed} (default, lossy within 1e-3 nats), {@code compact}
 *                       (the same values entropy-coded, ids by how often they recur; for real vocabularies) or
 *                       {@code float32}; null when the setting is {@code sampled}
 * @param sampled        with {@code kdstream.teacher.encoding=sampled}, RS-KD's draws written instead of a top-K
 *                       ({@code SAMPLED_COUNTS}, {@code kdstream.teacher.sampled.*}; the {@code djl} backend only);
 *                       otherwise null
 * @param maxRecordBytes the largest logit record to send; longer sequences are chunked. By default the smaller of the
 *                       topic's {@code max.message.bytes} and the producer's {@code max.request.size}
 * @param batchTokens    token budget of one forward pass (sequences are batched up to it)
 * @param groupId        the consumer group all workers of one teacher share
 * @param device         where the teacher runs: {@code auto} (a GPU when DJL's engine sees one), {@code cpu}, {@code gpu}, {@code gpu:N}
 * @param pauseBeforeCommitMillis fault injection for tests: sleep after sending a transaction's records, before
 *                       committing it (0 in production); a setting, because the test that needs it kills a worker
 *                       in another JVM
 * @param tokenizer      {@code char} (the default) or the path of a Hugging Face {@code tokenizer.json}: how prompts
 *                       become the token ids the teacher scores
 */
public record TeacherWorkerConfig(Settings settings, Path checkpoint, ServedTeacherConfig served,
                                  String modelId, String revision, int topK, TopKEncoding encoding, SampledProposal sampled,
                                  int maxRecordBytes,
                                  int batchTokens, String groupId, String device, long pauseBeforeCommitMillis,
                                  String tokenizer) {

    public static final String DJL = "djl";
    public static final String SAMPLED = "sampled";

    private static final String BACKEND = "kdstream.teacher.backend";
    private static final String CHECKPOINT = "kdstream.teacher.checkpoint";
    private static final String MODEL_ID = "kdstream.teacher.model.id";
    private static final String REVISION = "kdstream.teacher.revision";
    private static final String TOPK = "kdstream.teacher.topk";
    private static final String ENCODING = "kdstream.teacher.encoding";
    private static final String SAMPLED_DRAWS = "kdstream.teacher.sampled.draws";
    private static final String SAMPLED_TEMPERATURE = "kdstream.teacher.sampled.temperature";
    private static final String MAX_RECORD_BYTES = "kdstream.teacher.max.record.bytes";
    private static final String BATCH_TOKENS = "kdstream.teacher.batch.tokens";
    private static final String GROUP_ID = "kdstream.teacher.group.id";
    private static final String DEVICE = "kdstream.teacher.device";
    private static final String PAUSE_BEFORE_COMMIT = "kdstream.teacher.fault.pause.before.commit.ms";
    private static final String TOKENIZER = "kdstream.teacher.tokenizer";
    private static final String SERVED_URL = "kdstream.teacher.served.url";
    private static final String SERVED_REVISION = "kdstream.teacher.served.revision";
    private static final String SERVED_MAX_IN_FLIGHT = "kdstream.teacher.served.max.in.flight";
    private static final String SERVED_TIMEOUT = "kdstream.teacher.served.timeout.ms";
    private static final String SERVED_RETRIES = "kdstream.teacher.served.retries";
    private static final String SERVED_BACKOFF = "kdstream.teacher.served.backoff.ms";
    private static final String SERVED_LOGPROBS_MODE = "kdstream.teacher.served.logprobs.mode";
    private static final String SERVED_VOCABULARY_SIZE = "kdstream.teacher.served.vocabulary.size";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BACKEND, Type.STRING, DJL, Validators.oneOf(TeacherWorkerConfig::backend, List.of(DJL, "vllm", "sglang")),
                    Importance.HIGH, "where the teacher runs: djl (the checkpoint in the worker's JVM), vllm or sglang (a served teacher)")
            .define(CHECKPOINT, Type.STRING, null, Importance.HIGH, "the teacher's checkpoint file (required for djl)")
            .define(SERVED_URL, Type.STRING, null, Importance.HIGH, "the served teacher's base URL (required for vllm, sglang)")
            .define(SERVED_MAX_IN_FLIGHT, Type.INT, 8, Validators.atLeast(1), Importance.HIGH,
                    "requests a worker keeps in flight (the server batches them)")
            .define(SERVED_TIMEOUT, Type.LONG, 60_000L, Validators.atLeast(1), Importance.HIGH, "a served teacher's request's limit")
            .define(SERVED_RETRIES, Type.INT, 6, Validators.atLeast(0), Importance.HIGH,
                    "retries of a request on 429/502/503/504, timeouts and lost connections before the worker pauses")
            .define(SERVED_BACKOFF, Type.LONG, 250L, Validators.atLeast(0), Importance.HIGH,
                    "the first wait between retries; it doubles each time, up to 30 s")
            .define(SERVED_LOGPROBS_MODE, Type.STRING, "raw_logprobs", Validators.in(ServedTeacherConfig.LOG_PROB_MODES), Importance.HIGH,
                    "what the server's --logprobs-mode is (part of the fingerprint); the logits modes give no full-vocabulary"
                            + " normaliser, so neither the packed encoding nor the tail loss could use them")
            .define(MODEL_ID, Type.STRING, null, Importance.HIGH, "the teacher's name, part of its fingerprint; for a served teacher"
                    + " the model to ask for. Unset: kdstream-math-teacher in the worker's JVM, the server's own for a served teacher")
            .define(SERVED_REVISION, Type.STRING, null, Importance.HIGH,
                    "a served teacher's revision for the fingerprint; unset: what the server reports")
            .define(SERVED_VOCABULARY_SIZE, Type.INT, 0, Validators.atLeast(0), Importance.HIGH,
                    "a served model's vocabulary, when it is larger than the tokenizer's; 0: the tokenizer's")
            .define(REVISION, Type.STRING, "1", Importance.MEDIUM, "the in-process teacher's revision, part of its fingerprint")
            .define(TOPK, Type.INT, 16, Validators.atLeast(1), Importance.HIGH, "entries kept a position")
            .define(ENCODING, Type.STRING, TopKEncoding.PACKED.name().toLowerCase(Locale.ROOT),
                    Validators.oneOf(TeacherWorkerConfig::encodingName, List.of("packed", "compact", "float32", SAMPLED)), Importance.HIGH,
                    "how top-K entries are written: packed (ids at ceil(log2 V) bits and one byte a value: 1.875 bytes a top-K"
                            + " entry at V=100, 3.25 at 151,936; KL within 1e-3 nats), compact (for real vocabularies: the same"
                            + " values entropy-coded, ids coded by how often they recur in the record, never more than bit-packed;"
                            + " about 1.85 bytes an entry at V=151,936, K=64, see BENCHMARKS.md), float32 (lossless) or sampled"
                            + " (RS-KD, for the trainer's sampled loss: N tokens drawn a position instead of a top-K,"
                            + " SAMPLED_COUNTS; the djl backend only)")
            .define(SAMPLED_DRAWS, Type.INT, SampledTokens.DEFAULT_DRAWS, Validators.atLeast(1), Importance.HIGH,
                    "with encoding=sampled: N, the draws a position")
            .define(SAMPLED_TEMPERATURE, Type.DOUBLE, 1.0, Validators.positive(), Importance.HIGH,
                    "with encoding=sampled: the proposal temperature (draws come from q proportional to p^(1/temperature))")
            .define(MAX_RECORD_BYTES, Type.INT, null, Validators.atLeast(1), Importance.LOW, "the largest logit record to send;"
                    + " longer sequences are chunked. Unset: the smaller of the topic's max.message.bytes and the producer's max.request.size")
            .define(BATCH_TOKENS, Type.INT, 4096, Validators.atLeast(1), Importance.MEDIUM,
                    "token budget of one forward pass (sequences are batched up to it)")
            .define(GROUP_ID, Type.STRING, null, Importance.MEDIUM,
                    "the consumer group all workers of one teacher share; unset: kdstream-teacher-<model id>")
            .define(DEVICE, Type.STRING, "auto", Importance.HIGH, "where the teacher runs: auto (a GPU when DJL sees one), cpu, gpu, gpu:N")
            .define(TOKENIZER, Type.STRING, Tokenizers.CHAR, Importance.HIGH,
                    "char or the path of a Hugging Face tokenizer.json: how prompts become the token ids the teacher scores")
            .define(PAUSE_BEFORE_COMMIT, Type.LONG, 0L, Validators.atLeast(0), Importance.LOW,
                    "fault injection for tests: sleep after sending a transaction's records, before committing it");

    public static TeacherWorkerConfig from(Settings settings) {
        ConfigValues values = ConfigValues.read(DEFINITION, settings);
        String backend = backend(values.string(BACKEND));
        ServedTeacherConfig served = backend.equals(DJL) ? null : served(values, settings, backend);
        String modelId = values.isSet(MODEL_ID) ? values.string(MODEL_ID) : served == null ? "kdstream-math-teacher" : served.model();
        SampledProposal sampled = sampled(values, backend);
        return new TeacherWorkerConfig(settings,
                served == null ? Path.of(settings.required(CHECKPOINT)) : null,
                served,
                modelId,
                values.string(REVISION),
                values.integer(TOPK),
                sampled == null ? TopKEncoding.named(values.string(ENCODING)) : null,
                sampled,
                values.isSet(MAX_RECORD_BYTES) ? values.integer(MAX_RECORD_BYTES) : defaultMaxRecordBytes(settings),
                values.integer(BATCH_TOKENS),
                values.isSet(GROUP_ID) ? values.string(GROUP_ID) : "kdstream-teacher-" + (modelId != null ? modelId : backend),
                values.string(DEVICE),
                values.longValue(PAUSE_BEFORE_COMMIT),
                values.string(TOKENIZER));
    }

    /** The backend's name in lower case; refuses one that is neither djl nor a server's API. */
    private static String backend(String name) {
        String backend = name.trim().toLowerCase(Locale.ROOT);
        if (!backend.equals(DJL)) {
            try {
                ServedApi.named(backend);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (or " + DJL + ", in this JVM)", e);
            }
        }
        return backend;
    }

    /** A top-K encoding's name, or sampled. */
    private static String encodingName(String name) {
        if (name.trim().equalsIgnoreCase(SAMPLED)) {
            return SAMPLED;
        }
        try {
            return TopKEncoding.named(name).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or " + SAMPLED + " (RS-KD)", e);
        }
    }

    private static ServedTeacherConfig served(ConfigValues values, Settings settings, String backend) {
        try {
            return new ServedTeacherConfig(ServedApi.named(backend),
                    URI.create(settings.required(SERVED_URL)),
                    values.string(MODEL_ID),
                    values.string(SERVED_REVISION),
                    values.integer(SERVED_MAX_IN_FLIGHT),
                    Duration.ofMillis(values.longValue(SERVED_TIMEOUT)),
                    values.integer(SERVED_RETRIES),
                    Duration.ofMillis(values.longValue(SERVED_BACKOFF)),
                    values.string(SERVED_LOGPROBS_MODE),
                    values.integer(SERVED_VOCABULARY_SIZE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("served teacher settings (kdstream.teacher.served.*): " + e.getMessage(), e);
        }
    }

    /** RS-KD's proposal when the encoding is {@code sampled}, else null; it needs the full distribution, so djl's. */
    private static SampledProposal sampled(ConfigValues values, String backend) {
        if (!encodingName(values.string(ENCODING)).equals(SAMPLED)) {
            return null;
        }
        if (!backend.equals(DJL)) {
            throw new ConfigException("setting '" + ENCODING + "' is " + SAMPLED + ", which draws from the teacher's full"
                    + " distribution, but '" + BACKEND + "' is " + backend + ", a served teacher that answers its top-K"
                    + " log-probabilities only; use the " + DJL + " backend or a top-K encoding");
        }
        return new SampledProposal(values.integer(SAMPLED_DRAWS), values.decimal(SAMPLED_TEMPERATURE));
    }

    /** A record must pass the producer as well as the topic; the producer's own default is 1 MiB. */
    private static int defaultMaxRecordBytes(Settings settings) {
        int topicLimit = Integer.parseInt(TopicCatalogue.TEACHER_LOGITS.configs().get("max.message.bytes"));
        return Math.min(topicLimit, settings.integer(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024));
    }
}
