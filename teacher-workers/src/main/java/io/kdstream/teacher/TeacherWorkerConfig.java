package io.kdstream.teacher;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.teacher.backend.SampledProposal;
import io.kdstream.teacher.backend.served.ServedApi;
import io.kdstream.teacher.backend.served.ServedTeacherConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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

    public static TeacherWorkerConfig from(Settings settings) {
        String backend = settings.string("kdstream.teacher.backend", DJL).trim().toLowerCase(Locale.ROOT);
        ServedTeacherConfig served = backend.equals(DJL) ? null : served(settings, backend);
        String modelId = settings.string("kdstream.teacher.model.id", served == null ? "kdstream-math-teacher" : served.model());
        SampledProposal sampled = sampled(settings, backend);
        return new TeacherWorkerConfig(settings,
                served == null ? Path.of(settings.required("kdstream.teacher.checkpoint")) : null,
                served,
                modelId,
                settings.string("kdstream.teacher.revision", "1"),
                settings.integer("kdstream.teacher.topk", 16),
                sampled == null ? encoding(settings) : null,
                sampled,
                settings.integer("kdstream.teacher.max.record.bytes", defaultMaxRecordBytes(settings)),
                settings.integer("kdstream.teacher.batch.tokens", 4096),
                settings.string("kdstream.teacher.group.id", "kdstream-teacher-" + (modelId != null ? modelId : backend)),
                settings.string("kdstream.teacher.device", "auto"),
                settings.longValue("kdstream.teacher.fault.pause.before.commit.ms", 0),
                settings.string("kdstream.teacher.tokenizer", Tokenizers.CHAR));
    }

    private static ServedTeacherConfig served(Settings settings, String backend) {
        ServedApi api;
        try {
            api = ServedApi.named(backend);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'kdstream.teacher.backend': " + e.getMessage() + " (or " + DJL + ", in this JVM)", e);
        }
        try {
            return new ServedTeacherConfig(api,
                    URI.create(settings.required("kdstream.teacher.served.url")),
                    settings.string("kdstream.teacher.model.id", null),
                    settings.string("kdstream.teacher.served.revision", null),
                    settings.integer("kdstream.teacher.served.max.in.flight", 8),
                    Duration.ofMillis(settings.longValue("kdstream.teacher.served.timeout.ms", 60_000)),
                    settings.integer("kdstream.teacher.served.retries", 6),
                    Duration.ofMillis(settings.longValue("kdstream.teacher.served.backoff.ms", 250)),
                    settings.string("kdstream.teacher.served.logprobs.mode", "raw_logprobs"),
                    settings.integer("kdstream.teacher.served.vocabulary.size", 0));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("served teacher settings (kdstream.teacher.served.*): " + e.getMessage(), e);
        }
    }

    private static TopKEncoding encoding(Settings settings) {
        String name = settings.string("kdstream.teacher.encoding", "packed");
        try {
            return TopKEncoding.named(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'kdstream.teacher.encoding': " + e.getMessage() + ", or " + SAMPLED + " (RS-KD)", e);
        }
    }

    /** RS-KD's proposal when the encoding is {@code sampled}, else null; it needs the full distribution, so djl's. */
    private static SampledProposal sampled(Settings settings, String backend) {
        if (!settings.string("kdstream.teacher.encoding", "packed").trim().equalsIgnoreCase(SAMPLED)) {
            return null;
        }
        if (!backend.equals(DJL)) {
            throw new ConfigException("setting 'kdstream.teacher.encoding' is " + SAMPLED + ", which draws from the teacher's full"
                    + " distribution, but 'kdstream.teacher.backend' is " + backend + ", a served teacher that answers its top-K"
                    + " log-probabilities only; use the " + DJL + " backend or a top-K encoding");
        }
        int draws = settings.integer("kdstream.teacher.sampled.draws", SampledTokens.DEFAULT_DRAWS);
        if (draws < 1) {
            throw new ConfigException("setting 'kdstream.teacher.sampled.draws' is " + draws + "; it must be at least 1");
        }
        double temperature = settings.decimal("kdstream.teacher.sampled.temperature", 1);
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new ConfigException("setting 'kdstream.teacher.sampled.temperature' is " + temperature + "; it must be finite and above 0");
        }
        return new SampledProposal(draws, temperature);
    }

    /** A record must pass the producer as well as the topic; the producer's own default is 1 MiB. */
    private static int defaultMaxRecordBytes(Settings settings) {
        int topicLimit = Integer.parseInt(TopicCatalogue.TEACHER_LOGITS.configs().get("max.message.bytes"));
        return Math.min(topicLimit, settings.integer(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024));
    }
}
