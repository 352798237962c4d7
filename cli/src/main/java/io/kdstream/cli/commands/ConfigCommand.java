package io.kdstream.cli.commands;

import io.kdstream.cli.config.ServiceSettings;
import io.kdstream.cli.config.SettingsDocs;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code kdstream config list [SERVICE]} and {@code kdstream config docs}: the settings each service reads. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "The settings each service reads: key, type, default, valid values and what it does.")
public final class ConfigCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the settings of one service, or of all.")
    int list(@Parameters(paramLabel = "SERVICE", arity = "0..1", description = "one of: producer, router, teacher-worker,"
                    + " serve-teacher, trainer, evaluator, leaderboard, status, registry; all when left out") String service,
             @Option(names = "--markdown", description = "print docs/settings.md, the page of every service's settings") boolean markdown) {
        if (markdown) {
            System.out.print(SettingsDocs.page());
            return 0;
        }
        List<ServiceSettings.Section> sections;
        try {
            sections = service == null ? ServiceSettings.SECTIONS : List.of(ServiceSettings.named(service));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (ServiceSettings.Section section : sections) {
            System.out.println(section.name() + ": " + section.summary());
            for (ConfigKey key : section.definition().configKeys().values()) {
                String valid = SettingsDocs.validValues(key);
                System.out.printf("  %-46s %-7s default: %s%s%n", key.name, key.type.toString().toLowerCase(Locale.ROOT),
                        SettingsDocs.defaultText(key).isEmpty() ? "(unset)" : SettingsDocs.defaultText(key),
                        valid.isEmpty() ? "" : "  valid: " + valid);
                System.out.println("      " + key.documentation);
            }
            System.out.println();
        }
        return 0;
    }

    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Rewrite docs/settings.md and the README's settings table from the services' definitions.")
    int docs(@Option(names = "--root", defaultValue = ".", description = "the repository's root (default: ${DEFAULT-VALUE})") Path root)
            throws IOException {
        Path page = root.resolve(SettingsDocs.PAGE);
        Files.writeString(page, SettingsDocs.page(), StandardCharsets.UTF_8);
        Path readme = root.resolve(SettingsDocs.README);
        Files.writeString(readme, SettingsDocs.withReadmeTable(Files.readString(readme, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        System.out.println("wrote " + page + " and the settings table of " + readme);
        return 0;
    }
}
