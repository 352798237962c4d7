package io.kdstream.platform.config;

import java.nio.file.Path;

/** Where kdstream keeps what outlives a process on this machine: {@code $KDSTREAM_HOME}, else {@code ~/.kdstream}. */
public final class KdstreamHome {

    private KdstreamHome() {
    }

    public static Path path() {
        String configured = System.getenv("KDSTREAM_HOME");
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".kdstream");
    }
}
