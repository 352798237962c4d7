package io.kdstream.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * What of the log reaches the terminal of a person running {@code kdstream}: kdstream's own messages and other
 * libraries' errors. Kafka's and DJL's warnings (an unknown repartition topic while Streams starts, a client closed
 * twice) are chatter to someone watching progress bars; they go to the log file only (logback-cli.xml), and to the
 * terminal too with {@code --verbose}.
 */
public final class TerminalLogFilter extends Filter<ILoggingEvent> {

    private static final String KDSTREAM_LOGGERS = "io.kdstream";

    private static volatile boolean verbose;

    /** {@code --verbose}: the terminal shows everything the log file gets. */
    public static void showEverything() {
        verbose = true;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        boolean shown = verbose
                || event.getLoggerName().startsWith(KDSTREAM_LOGGERS)
                || event.getLevel().isGreaterOrEqual(Level.ERROR);
        return shown ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
