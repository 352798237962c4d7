package io.kdstream.teacher;

import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.teacher.backend.SampledProposal;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TeacherWorkerConfigTest {

    private static TeacherWorkerConfig config(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("kdstream.teacher.checkpoint", "teacher.ckpt"));
        values.putAll(extra);
        return TeacherWorkerConfig.from(Settings.of(values));
    }

    @Test
    void shouldPackByDefaultWithinWhatTheProducerAndTheTopicAccept() {
        TeacherWorkerConfig defaults = config(Map.of());
        assertThat(defaults.encoding()).isEqualTo(TopKEncoding.PACKED);
        assertThat(defaults.maxRecordBytes()).isEqualTo(1024 * 1024);
        assertThat(config(Map.of("max.request.size", "8388608")).maxRecordBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(config(Map.of("kdstream.teacher.max.record.bytes", "4096")).maxRecordBytes()).isEqualTo(4096);
    }

    @Test
    void shouldReadTheLosslessAndCompactEncodingsAndNameTheSettingOfAnUnknownOne() {
        assertThat(config(Map.of("kdstream.teacher.encoding", "FLOAT32")).encoding()).isEqualTo(TopKEncoding.FLOAT32);
        assertThat(config(Map.of("kdstream.teacher.encoding", "compact")).encoding()).isEqualTo(TopKEncoding.COMPACT);
        assertThatThrownBy(() -> config(Map.of("kdstream.teacher.encoding", "bf16")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kdstream.teacher.encoding").hasMessageContaining("packed, compact, float32");
    }

    @Test
    void shouldReadSampledDrawsAndTemperatureAndNameTheSettingOfABadOne() {
        TeacherWorkerConfig sampled = config(Map.of("kdstream.teacher.encoding", "sampled"));
        assertThat(sampled.sampled()).isEqualTo(new SampledProposal(12, 1.0));
        assertThat(sampled.encoding()).isNull();
        assertThat(config(Map.of("kdstream.teacher.encoding", "Sampled", "kdstream.teacher.sampled.draws", "32",
                "kdstream.teacher.sampled.temperature", "2")).sampled()).isEqualTo(new SampledProposal(32, 2.0));
        assertThat(config(Map.of()).sampled()).isNull();
        assertThatThrownBy(() -> config(Map.of("kdstream.teacher.encoding", "sampled", "kdstream.teacher.sampled.draws", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kdstream.teacher.sampled.draws");
        assertThatThrownBy(() -> config(Map.of("kdstream.teacher.encoding", "sampled", "kdstream.teacher.sampled.temperature", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kdstream.teacher.sampled.temperature");
    }

    @Test
    void shouldRefuseSampledRecordsFromAServedTeacherThatAnswersTopKOnly() {
        assertThatThrownBy(() -> config(Map.of("kdstream.teacher.encoding", "sampled", "kdstream.teacher.backend", "vllm",
                "kdstream.teacher.served.url", "http://localhost:8000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kdstream.teacher.encoding").hasMessageContaining("vllm")
                .hasMessageContaining("djl");
    }
}
