package io.kdstream.cli.progress;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr, so stdout stays for results. On a terminal the bar redraws in place; in a log or a
 * pipe it prints one line every few seconds instead of a stream of carriage returns.
 */
public final class Progress {

    private static final boolean INTERACTIVE = System.console() != null;

    private Progress() {
    }

    public static ProgressBar bar(String task, long total, String unit) {
        return builder(task, total).setUnit(" " + unit, 1).build();
    }

    public static ProgressBar bytes(String task, long totalBytes) {
        return builder(task, totalBytes).setUnit(" MB", 1 << 20).build();
    }

    private static ProgressBarBuilder builder(String task, long total) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed();
        if (INTERACTIVE) {
            return builder.setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err));
        }
        return builder.setUpdateIntervalMillis(5000).setConsumer(new DelegatingProgressBarConsumer(System.err::println));
    }
}
