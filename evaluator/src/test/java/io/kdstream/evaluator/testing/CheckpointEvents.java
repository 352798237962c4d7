package io.kdstream.evaluator.testing;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.TrainMetrics;
import io.kdstream.schemas.avro.TrainingConfig;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The announcement of a checkpoint file, as a trainer would send it, for evaluator tests. */
public final class CheckpointEvents {

    private CheckpointEvents() {
    }

    public static CheckpointEvent of(String runId, long step, Path file, String sha256) {
        return CheckpointEvent.newBuilder()
                .setRunId(runId).setStep(step).setTokensSeen(0)
                .setUri(file.toUri().toString()).setSha256(sha256)
                .setTeacherFingerprint("t").setTokenizerFingerprint(new CharTokenizer().fingerprint())
                .setConsumedOffsets(List.of())
                .setConfig(TrainingConfig.newBuilder().setTopK(8).setKdWeight(1).setSftWeight(0.4).setTemperature(1)
                        .setLossVariant("renormalised").setLearningRate(1e-3).setBatchSize(4).setSeed(1).build())
                .setMetrics(new TrainMetrics(1.0, 0.5, 0.5, 100.0))
                .setCreatedAt(Instant.now())
                .build();
    }
}
