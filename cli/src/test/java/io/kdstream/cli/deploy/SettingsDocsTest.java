package io.kdstream.cli.deploy;

import io.kdstream.cli.config.SettingsDocs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed settings documentation is what the services' definitions say. */
class SettingsDocsTest {

    private static final String STALE = " is out of date with the services' settings definitions: run " + SettingsDocs.REGENERATE;

    @Test
    void settingsPageIsGeneratedFromTheDefinitions() throws Exception {
        assertThat(Files.readString(Repository.path(SettingsDocs.PAGE))).as(SettingsDocs.PAGE + STALE).isEqualTo(SettingsDocs.page());
    }

    @Test
    void readmeSettingsTableIsGeneratedFromTheDefinitions() throws Exception {
        String readme = Files.readString(Repository.path(SettingsDocs.README));
        assertThat(readme).as(SettingsDocs.README + STALE).isEqualTo(SettingsDocs.withReadmeTable(readme));
    }
}
