package io.kdstream.trainer.checkpoint;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.PartitionOffset;
import io.kdstream.schemas.avro.TrainMetrics;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.TrainingConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Writes a checkpoint file atomically, then announces it on {@code kd.checkpoints} with its SHA-256. */
public final class CheckpointPublisher implements AutoCloseable {

    private final String runId;
    private final Path directory;
    private final Topic<String, CheckpointEvent> topic;
    private final KafkaProducer<String, CheckpointEvent> producer;

    public CheckpointPublisher(String runId, Path directory, Map<String, Object> clientProperties, Topic<String, CheckpointEvent> topic) {
        this.runId = runId;
        this.directory = directory;
        this.topic = topic;
        this.producer = KafkaClients.producer(clientProperties, topic, "kdstream-trainer-" + runId);
    }

    /** What the trainer knows at a checkpoint. */
    public record State(DecoderLanguageModel model, long step, long tokensSeen, StepMetrics lastStep, double tokensPerSecond,
                        TrainingConfig training, String teacherFingerprint, String tokenizerFingerprint,
                        List<PartitionOffset> consumedOffsets) {
    }

    public CheckpointEvent publish(State state) throws IOException, InterruptedException, ExecutionException {
        Files.createDirectories(directory);
        Path file = directory.resolve(String.format("step-%08d.ckpt", state.step()));
        Map<String, String> metadata = new LinkedHashMap<>(state.training().toMap());
        metadata.put("run.id", runId);
        metadata.put("step", Long.toString(state.step()));
        metadata.put("teacher.fingerprint", state.teacherFingerprint());
        String sha256 = CheckpointFile.write(file, state.model(), state.tokenizerFingerprint(), metadata);
        CheckpointEvent event = CheckpointEvent.newBuilder()
                .setRunId(runId)
                .setStep(state.step())
                .setTokensSeen(state.tokensSeen())
                .setUri(file.toAbsolutePath().toUri().toString())
                .setSha256(sha256)
                .setTeacherFingerprint(state.teacherFingerprint())
                .setTokenizerFingerprint(state.tokenizerFingerprint())
                .setConsumedOffsets(state.consumedOffsets())
                .setConfig(io.kdstream.schemas.avro.TrainingConfig.newBuilder()
                        .setTopK(state.training().trainingTopK())
                        .setKdWeight(state.training().kdWeight())
                        .setSftWeight(state.training().sftWeight())
                        // the event has one temperature field: the student's (tail fixes the teacher's at 1);
                        // both temperatures and the KL direction are in 'other'
                        .setTemperature(state.training().studentTemperature())
                        .setLossVariant(state.training().lossVariant().configName())
                        .setLearningRate(state.training().learningRate())
                        .setBatchSize(state.training().batchSize())
                        .setSeed(state.training().seed())
                        .setOther(state.training().toMap())
                        .build())
                .setMetrics(TrainMetrics.newBuilder()
                        .setTotalLoss(state.lastStep().totalLoss())
                        .setKdLoss(state.lastStep().kdLoss())
                        .setCeLoss(state.lastStep().ceLoss())
                        .setTokensPerSecond(state.tokensPerSecond())
                        .build())
                .setCreatedAt(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(topic.name(), TopicCatalogue.checkpointKey(runId, state.step()), event)).get();
        return event;
    }

    @Override
    public void close() {
        producer.close();
    }
}
