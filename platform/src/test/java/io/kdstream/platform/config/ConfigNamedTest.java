package io.kdstream.platform.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigNamedTest {

    private enum Colour implements ConfigNamed {
        DARK_RED("dark-red"), BLUE("blue");

        private final String configName;

        Colour(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
    }

    @Test
    void shouldReadAConfigNameIgnoringCaseAndBlanks() {
        assertThat(ConfigNamed.parse(Colour.class, "colour", " Dark-Red ")).isEqualTo(Colour.DARK_RED);
        assertThat(ConfigNamed.parse(Colour.class, "colour", "blue")).isEqualTo(Colour.BLUE);
    }

    @Test
    void shouldRefuseAnUnknownNameListingTheKnownOnes() {
        assertThatThrownBy(() -> ConfigNamed.parse(Colour.class, "colour", "DARK_RED"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown colour 'DARK_RED'; expected one of [dark-red, blue]");
    }
}
