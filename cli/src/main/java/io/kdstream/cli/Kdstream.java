package io.kdstream.cli;

import io.kdstream.cli.commands.CacheCommand;
import io.kdstream.cli.commands.ConfigCommand;
import io.kdstream.cli.commands.EvaluatorCommand;
import io.kdstream.cli.commands.GenerateCommand;
import io.kdstream.cli.commands.LeaderboardCommand;
import io.kdstream.cli.commands.ProduceCommand;
import io.kdstream.cli.commands.ReportCommand;
import io.kdstream.cli.commands.RouterCommand;
import io.kdstream.cli.commands.ServeTeacherCommand;
import io.kdstream.cli.commands.TeacherWorkerCommand;
import io.kdstream.cli.commands.TrainTeacherCommand;
import io.kdstream.cli.commands.TrainerCommand;
import io.kdstream.cli.logging.TerminalLogFilter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code kdstream} command. */
@Command(name = "kdstream", mixinStandardHelpOptions = true, version = "kdstream 0.1.0",
        description = "Continuous knowledge distillation: teacher top-K logits streamed through Kafka to a student trainer.",
        subcommands = {GenerateCommand.class, ProduceCommand.class,
                TrainTeacherCommand.class, ServeTeacherCommand.class, RouterCommand.class, TeacherWorkerCommand.class, CacheCommand.class, TrainerCommand.class, EvaluatorCommand.class,
                LeaderboardCommand.class, ReportCommand.class, ConfigCommand.class})
public final class Kdstream {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "show other libraries' warnings (Kafka, DJL) in the terminal too; they are always in $KDSTREAM_HOME/logs")
    void verbose(boolean verbose) {
        if (verbose) {
            TerminalLogFilter.showEverything();
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code: 0 on success, 2 for an unknown command or option (picocli's usage error). */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Kdstream());
        // after the built-in subcommands in the help: demo and platform (cli-embedded), the benchmarks (bench)
        ServiceLoader.load(PluggedCommand.class).forEach(commandLine::addSubcommand);
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
}
