package io.kdstream.cli.embedded;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.ServiceUser;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** A secured embedded platform's client properties for one principal, as a file for {@code --config}. */
public final class ClientPropertiesFiles {

    private ClientPropertiesFiles() {
    }

    /**
     * What {@code kdstream platform --secure} shows: each service principal's client properties, also written to a
     * file for {@code --config}. The admin's are not shown: no service needs a super user.
     */
    public static void printAll(EmbeddedPlatform platform, PrintStream out) throws IOException {
        for (ServiceUser user : platform.users()) {
            Path file = write(platform, user.name());
            out.println();
            out.println("# principal User:" + user.name() + ": kdstream ... --config " + file);
            out.print(lines(platform.clientProperties(user.name())));
        }
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
