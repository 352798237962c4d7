package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.testing.HostileInput;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Hostile values on kd.teacher.logits, keyed as the trainer's own teacher's records so that it must read them
 * ({@link HostileInput}); the good record after them is cached and trained on.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class HostileInputIntegrationTest {

    private static final String TEACHER = "teacher-hostile";

    @Test
    void shouldDeadLetterEveryHostileLogitRecordAndThenTrainOnTheGoodOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = SmallTrainerSettings.of(platform.bootstrapServers(), platform.schemaRegistryUrl(), "trainer-hostile",
                TEACHER, dir, Map.of(
                        "kdstream.trainer.steps", "2",
                        "kdstream.trainer.checkpoint.every", "2",
                        "kdstream.trainer.batch.size", "1"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TeacherLogits good = TeacherRecords.record("hostile-good", TEACHER, new CharTokenizer().fingerprint(), Split.TRAIN, new Random(1), TeacherRecords.K);
        byte[] goodBytes = new TopicCatalogue(client).teacherLogits().valueSerde().serializer().serialize(TopicCatalogue.TEACHER_LOGITS.name(), good);
        // keyed <teacher>/hostile-<kind>: the good one is <teacher>/hostile-good, the key its prompt id gives
        HostileInput sent = HostileInput.send(client, TopicCatalogue.TEACHER_LOGITS.name(), LogitsKey.of(TEACHER, "hostile-"),
                goodBytes, TeacherLogits.getClassSchema());

        TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
        trainer.start();
        try {
            sent.assertDeadLetteredAndGoodProcessed(TrainerService.SERVICE, () -> trainer.failure() == null,
                    () -> trainer.progress().cachedExamples() == 1 && trainer.progress().step() == 2);
        } finally {
            trainer.close();
        }
    }
}
