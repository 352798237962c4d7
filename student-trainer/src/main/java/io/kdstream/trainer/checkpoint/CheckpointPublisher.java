package io.kdstream.trainer.checkpoint;

import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.PartitionOffset;
import io.kdstream.schemas.avro.TrainMetrics;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.TrainingConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;

/**
 * Writes a checkpoint (model file, then training state, both atomically, see {@link CheckpointStore}), then
 * announces it on {@code kd.checkpoints} with the model file's SHA-256.
 */
public final class CheckpointPublisher implements AutoCloseable {

    private final String runId;
    private final CheckpointStore store;
    private final Topic<String, CheckpointEvent> topic;
    private final KafkaProducer<String, CheckpointEvent> producer;
    private final Map<String, Object> clientProperties;

    /** Checkpoints written but not announced yet (the registry was away), oldest first; asked from other threads too. */
    private final Deque<Announcement> pending = new ConcurrentLinkedDeque<>();

    public CheckpointPublisher(String runId, CheckpointStore store, Map<String, Object> clientProperties, Topic<String, CheckpointEvent> topic) {
        this.runId = runId;
        this.store = store;
        this.topic = topic;
        this.producer = KafkaClients.producer(clientProperties, topic, "kdstream-trainer-" + runId);
        this.clientProperties = clientProperties;
    }

    /** What the trainer knows at a checkpoint. */
    public record State(DecoderLanguageModel model, TrainingState training, StepMetrics lastStep, double tokensPerSecond,
                        TrainingConfig config, String teacherFingerprint, String tokenizerFingerprint) {
    }

    /**
     * Writes the checkpoint and announces it. When the schema registry is away (the event's schema cannot be
     * registered or looked up), the checkpoint is written all the same and its announcement kept for
     * {@link #announcePending}, as are those after it while older ones wait: returns false then, and the trainer
     * trains on.
     */
    public boolean publish(State state) throws IOException, InterruptedException, ExecutionException {
        TrainingState training = state.training();
        CheckpointStore.Written written = store.write(state.model(), state.tokenizerFingerprint(),
                metadata(training.settings(), training.step(), state.teacherFingerprint()), training);
        pending.add(() -> announce(training.step(), training.tokensSeen(), written, offsets(training), state.config(), training.settings(),
                state.lastStep(), state.tokensPerSecond(), state.teacherFingerprint(), state.tokenizerFingerprint()));
        // with older ones waiting the registry was away at the last try: the caller retries once it answers (a try
        // here would hold training for the client's retries)
        return pending.size() == 1 && announcePending();
    }

    /** Whether a written checkpoint waits to be announced (the registry was away). */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * Announces the checkpoints that wait, oldest first (every one: each is a point of the run's learning curve);
     * false when the registry is still away (they wait on). The newest left when the trainer is stopped is announced
     * by {@link #announceIfMissing} when it resumes from it.
     */
    public boolean announcePending() throws InterruptedException, ExecutionException {
        while (!pending.isEmpty()) {
            try {
                pending.peek().announce();
            } catch (RuntimeException e) {
                if (RegistryUnavailableException.in(e).isEmpty()) {
                    throw e;
                }
                return false;
            }
            pending.poll();
        }
        return true;
    }

    private interface Announcement {
        void announce() throws InterruptedException, ExecutionException;
    }

    /**
     * Announces the checkpoint a run resumes from if {@code kd.checkpoints} holds no event for it: a trainer stopped
     * after writing a checkpoint's state file and before announcing it leaves a complete checkpoint that no evaluator
     * would otherwise score. Returns whether it announced; a state file without its last step's losses (written before
     * they were kept) cannot be announced.
     */
    public boolean announceIfMissing(Path modelFile, TrainingState training, TrainingConfig config, String teacherFingerprint,
                                     String tokenizerFingerprint) throws InterruptedException, ExecutionException {
        String key = TopicCatalogue.checkpointKey(runId, training.step());
        boolean announced = TopicSnapshot.read(clientProperties, topic.name(), new StringDeserializer(), new ByteArrayDeserializer(), 0,
                Duration.ofSeconds(30)).stream().anyMatch(record -> key.equals(record.key()));
        if (announced || training.lastStep() == null) {
            return false;
        }
        announce(training.step(), training.tokensSeen(), new CheckpointStore.Written(modelFile, training.modelSha256()), offsets(training),
                config, training.settings(), training.lastStep(), training.tokensPerSecond(), teacherFingerprint, tokenizerFingerprint);
        return true;
    }

    private static List<PartitionOffset> offsets(TrainingState training) {
        List<PartitionOffset> offsets = new ArrayList<>();
        training.cacheOffsets().forEach((partition, offset) ->
                offsets.add(new PartitionOffset(TopicCatalogue.TEACHER_LOGITS.name(), partition, offset)));
        return offsets;
    }

    /**
     * A model checkpoint without the trainer's state, for a training loop that is not the trainer service (the online
     * full-vocabulary KD baseline): the same model file and event, so evaluators score it alike; nothing to resume.
     */
    public CheckpointEvent publishModel(DecoderLanguageModel model, long step, long tokensSeen, StepMetrics lastStep,
                                        double tokensPerSecond, TrainingConfig config, Map<String, String> settings,
                                        String teacherFingerprint, String tokenizerFingerprint)
            throws IOException, InterruptedException, ExecutionException {
        CheckpointStore.Written written = store.writeModel(model, tokenizerFingerprint, metadata(settings, step, teacherFingerprint), step);
        return announce(step, tokensSeen, written, List.of(), config, settings, lastStep, tokensPerSecond, teacherFingerprint,
                tokenizerFingerprint);
    }

    private Map<String, String> metadata(Map<String, String> settings, long step, String teacherFingerprint) {
        Map<String, String> metadata = new LinkedHashMap<>(settings);
        metadata.put("run.id", runId);
        metadata.put("step", Long.toString(step));
        metadata.put("teacher.fingerprint", teacherFingerprint);
        return metadata;
    }

    private CheckpointEvent announce(long step, long tokensSeen, CheckpointStore.Written written, List<PartitionOffset> offsets,
                                     TrainingConfig config, Map<String, String> settings, StepMetrics lastStep, double tokensPerSecond,
                                     String teacherFingerprint, String tokenizerFingerprint)
            throws InterruptedException, ExecutionException {
        CheckpointEvent event = CheckpointEvent.newBuilder()
                .setRunId(runId)
                .setStep(step)
                .setTokensSeen(tokensSeen)
                .setUri(written.modelFile().toAbsolutePath().toUri().toString())
                .setSha256(written.sha256())
                .setTeacherFingerprint(teacherFingerprint)
                .setTokenizerFingerprint(tokenizerFingerprint)
                .setConsumedOffsets(offsets)
                .setConfig(io.kdstream.schemas.avro.TrainingConfig.newBuilder()
                        .setTopK(config.trainingTopK())
                        .setKdWeight(config.kdWeight())
                        .setSftWeight(config.sftWeight())
                        // the event has one temperature field: the student's (tail fixes the teacher's at 1);
                        // both temperatures, the KL direction, the schedule, the sampling and the student's shape
                        // are in 'other'
                        .setTemperature(config.studentTemperature())
                        .setLossVariant(config.lossVariant().configName())
                        .setLearningRate(config.learningRate())
                        .setBatchSize(config.batchSize())
                        .setSeed(config.seed())
                        .setOther(settings)
                        .build())
                .setMetrics(TrainMetrics.newBuilder()
                        .setTotalLoss(lastStep.totalLoss())
                        .setKdLoss(lastStep.kdLoss())
                        .setCeLoss(lastStep.ceLoss())
                        .setTokensPerSecond(tokensPerSecond)
                        .build())
                .setCreatedAt(Instant.now())
                .build();
        KafkaClients.sendAndWait(producer, new ProducerRecord<>(topic.name(), TopicCatalogue.checkpointKey(runId, step), event), clientProperties);
        return event;
    }

    @Override
    public void close() {
        producer.close();
    }
}
