package io.kdstream.cli.bench.distill;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.TrainMetrics;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.TrainingConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The online baseline's checkpoints: a model file and a {@code kd.checkpoints} event in the trainer's format, so
 * the same evaluators score it. (The trainer's own publisher belongs to its service and its resumable state; the
 * online run has no cache offsets or resume state to record.)
 */
final class OnlineCheckpoints implements AutoCloseable {

    private final String runId;
    private final Path directory;
    private final TopicCatalogue catalogue;
    private final KafkaProducer<String, CheckpointEvent> producer;

    OnlineCheckpoints(String runId, Path directory, Map<String, Object> client) {
        this.runId = runId;
        this.directory = directory;
        this.catalogue = new TopicCatalogue(client);
        this.producer = KafkaClients.producer(client, catalogue.checkpoints(), "bench-distill-online-" + runId);
    }

    void publish(DecoderLanguageModel model, long step, long tokensSeen, StepMetrics last, double tokensPerSecond, TrainingConfig config,
                 String teacherFingerprint, String tokenizerFingerprint) throws Exception {
        Files.createDirectories(directory);
        Path file = directory.resolve(String.format("step-%08d.ckpt", step));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("objective", "online-full-vocabulary-kd");
        settings.put("kdWeight", Double.toString(config.kdWeight()));
        settings.put("sftWeight", Double.toString(config.sftWeight()));
        settings.put("klDirection", config.klDirection().configName());
        settings.put("trainingTopK", Integer.toString(config.trainingTopK()));
        settings.put("seed", Long.toString(config.seed()));
        Map<String, String> metadata = new LinkedHashMap<>(settings);
        metadata.put("run.id", runId);
        metadata.put("step", Long.toString(step));
        metadata.put("teacher.fingerprint", teacherFingerprint);
        String sha256 = CheckpointFile.write(file, model, tokenizerFingerprint, metadata);
        CheckpointEvent event = CheckpointEvent.newBuilder()
                .setRunId(runId)
                .setStep(step)
                .setTokensSeen(tokensSeen)
                .setUri(file.toAbsolutePath().toUri().toString())
                .setSha256(sha256)
                .setTeacherFingerprint(teacherFingerprint)
                .setTokenizerFingerprint(tokenizerFingerprint)
                .setConsumedOffsets(List.of())
                .setConfig(io.kdstream.schemas.avro.TrainingConfig.newBuilder()
                        .setTopK(config.trainingTopK())
                        .setKdWeight(config.kdWeight())
                        .setSftWeight(config.sftWeight())
                        .setTemperature(config.studentTemperature())
                        .setLossVariant(config.lossVariant().configName())
                        .setLearningRate(config.learningRate())
                        .setBatchSize(config.batchSize())
                        .setSeed(config.seed())
                        .setOther(settings)
                        .build())
                .setMetrics(TrainMetrics.newBuilder()
                        .setTotalLoss(last.totalLoss())
                        .setKdLoss(last.kdLoss())
                        .setCeLoss(last.ceLoss())
                        .setTokensPerSecond(tokensPerSecond)
                        .build())
                .setCreatedAt(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(catalogue.checkpoints().name(), TopicCatalogue.checkpointKey(runId, step), event)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
