package io.kdstream.platform.service;

import io.kdstream.platform.config.KdstreamHome;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsServiceTest {

    @Test
    void shouldKeepStreamsStateUnderTheKdstreamHomeUnlessAStateDirIsSet() {
        assertThat(StreamsService.withStateDir(Map.of("application.id", "app")))
                .containsEntry("state.dir", KdstreamHome.path().resolve("streams").toString())
                .containsEntry("application.id", "app");
        assertThat(StreamsService.withStateDir(Map.of("state.dir", "/var/lib/kdstream/streams")))
                .containsEntry("state.dir", "/var/lib/kdstream/streams");
    }
}
