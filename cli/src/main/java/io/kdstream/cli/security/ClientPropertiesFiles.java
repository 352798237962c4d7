package io.kdstream.cli.security;

import io.kdstream.platform.embedded.EmbeddedPlatform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** A secured embedded platform's client properties for one principal, as a file for {@code --config}. */
public final class ClientPropertiesFiles {

    private ClientPropertiesFiles() {
    }

    /** Beside the CA certificate, in the platform's owner-only directory (removed when the platform stops). */
    public static Path write(EmbeddedPlatform platform, String user) throws IOException {
        Map<String, String> properties = platform.clientProperties(user);
        Path file = Path.of(properties.get("ssl.truststore.location")).resolveSibling(user + ".properties");
        Files.writeString(file, lines(properties));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** As lines of a properties file (the values need no escaping: no backslashes, no line breaks). */
    public static String lines(Map<String, String> properties) {
        StringBuilder lines = new StringBuilder();
        properties.forEach((key, value) -> lines.append(key).append('=').append(value).append(System.lineSeparator()));
        return lines.toString();
    }
}
