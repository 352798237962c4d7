package io.kdstream.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import io.kdstream.cli.Kdstream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalLogFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final TerminalLogFilter filter = new TerminalLogFilter();

    @Test
    void theTerminalShowsKdstreamAndErrorsUntilVerboseIsGivenToAnySubcommand() {
        assertThat(decide("io.kdstream.trainer.service.TrainerService", Level.INFO)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("io.kdstream.trainer.service.TrainerService", Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN)).isEqualTo(FilterReply.DENY);
        assertThat(decide("ai.djl.engine.Engine", Level.WARN)).isEqualTo(FilterReply.DENY);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.ERROR)).isEqualTo(FilterReply.NEUTRAL);

        // an option of the root command, accepted after any subcommand
        new CommandLine(new Kdstream()).parseArgs("cache", "stats", "--verbose");

        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("ai.djl.engine.Engine", Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
    }

    private FilterReply decide(String loggerName, Level level) {
        return filter.decide(new LoggingEvent(getClass().getName(), context.getLogger(loggerName), level, "message", null, null));
    }
}
