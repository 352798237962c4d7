package io.kdstream.cli.commands;

import io.kdstream.cli.config.ServiceSettings;
import io.kdstream.cli.config.SettingsDocs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kdstream config list [SERVICE]} and {@code kdstream config docs}. */
class ConfigCommandTest {

    @Test
    void shouldListAServicesKeysWithTypeDefaultValidValuesAndDocumentation() {
        CliRun trainer = CliRun.of("config", "list", "trainer");

        assertThat(trainer.exit()).isZero();
        assertThat(trainer.out()).contains("trainer: kdstream trainer")
                .containsPattern("kdstream\\.trainer\\.loss\\.variant +string +default: renormalised +valid: renormalised, tail, sampled")
                .containsPattern("kdstream\\.trainer\\.steps +long +default: 300 +valid: \\[0,\\.\\.\\.]")
                .containsPattern("kdstream\\.trainer\\.lr\\.min +double +default: \\(unset\\)")
                .contains("a tenth of learning.rate")
                .doesNotContain("kdstream.teacher.");
        assertThat(CliRun.of("config", "list", "router").out()).containsPattern("kdstream\\.router\\.teacher\\.fingerprint +string +default: \\(required\\)");
    }

    @Test
    void shouldListEveryServiceWithoutOneAndRefuseAnUnknownOne() {
        CliRun all = CliRun.of("config", "list");
        CliRun unknown = CliRun.of("config", "list", "ghost");

        for (ServiceSettings.Section section : ServiceSettings.SECTIONS) {
            assertThat(all.out()).contains(section.name() + ": ");
            section.definition().names().forEach(key -> assertThat(all.out()).contains(key));
        }
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no service 'ghost'").contains("teacher-worker");
    }

    @Test
    void shouldPrintTheSettingsPageAndRewriteItWithTheReadmesTable(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("README.md"), "before\n" + SettingsDocs.README_BEGIN + "\nstale\n" + SettingsDocs.README_END + "\nafter\n");

        CliRun markdown = CliRun.of("config", "list", "--markdown");
        CliRun docs = CliRun.of("config", "docs", "--root", root.toString());

        assertThat(markdown.out()).isEqualTo(SettingsDocs.page());
        assertThat(docs.exit()).isZero();
        assertThat(Files.readString(root.resolve("docs/settings.md"))).isEqualTo(SettingsDocs.page());
        assertThat(Files.readString(root.resolve("README.md"))).isEqualTo("before\n" + SettingsDocs.readmeTable() + "\nafter\n")
                .contains("| `kdstream.teacher.backend` | `djl` |").doesNotContain("stale");
    }
}
