package io.kdstream.model.transformer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevicesTest {

    @Test
    void shouldPickTheCpuOrTheEnginesDefaultDevice() {
        assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
        assertThat(Devices.parse(" AUTO ")).isEqualTo(Engine.getEngine(DecoderLanguageModel.ENGINE).defaultDevice());
    }

    @Test
    void shouldRefuseAGpuTheEngineDoesNotSeeAndUnknownDevices() {
        int gpus = Engine.getEngine(DecoderLanguageModel.ENGINE).getGpuCount();

        assertThatThrownBy(() -> Devices.parse("gpu:" + gpus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sees " + gpus + " GPU(s)");
        assertThatThrownBy(() -> Devices.parse("tpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected auto, cpu, gpu or gpu:N");
    }

    @Test
    void shouldBuildTheModelOnTheRequestedDevice() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TransformerConfig.student(100), 1, Devices.parse("cpu"))) {
            assertThat(model.manager().getDevice()).isEqualTo(Device.cpu());
        }
    }
}
