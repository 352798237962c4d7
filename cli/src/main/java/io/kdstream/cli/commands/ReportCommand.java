package io.kdstream.cli.commands;

import io.kdstream.evaluator.report.LeaderboardMarkdown;
import io.kdstream.evaluator.report.LeaderboardReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kdstream report [--html FILE] [--markdown FILE]}. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the leaderboard of everything in kd.evals as one self-contained HTML file (SVG learning curves, table)",
                "and as markdown tables (also printed)."})
public final class ReportCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--html", defaultValue = "kdstream-report.html", description = "HTML file to write (default: ${DEFAULT-VALUE})")
    Path html;

    @Option(names = "--markdown", defaultValue = "kdstream-report.md", description = "markdown file to write (default: ${DEFAULT-VALUE})")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        LeaderboardReport.Contents contents = LeaderboardReport.read(client.settings().clientProperties());
        LeaderboardReport.write(contents, html, markdown);
        System.out.print(LeaderboardMarkdown.render(contents.standings()));
        System.out.println();
        System.out.println("wrote " + html + " and " + markdown + " (" + contents.standings().size() + " runs)");
        if (contents.unreadable() > 0) {
            System.out.println(contents.unreadable() + " records of kd.evals could not be read and are left out (see the log)");
        }
        return contents.unreadable() == 0 ? 0 : 1;
    }
}
