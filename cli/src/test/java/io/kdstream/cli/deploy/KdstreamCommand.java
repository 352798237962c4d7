package io.kdstream.cli.deploy;

import io.kdstream.cli.Kdstream;
import io.kdstream.platform.service.ServiceRunner;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.List;

/**
 * A container's command line, checked against the real {@code kdstream} CLI: picocli parses it exactly as
 * {@code Kdstream.main} would (without running it), so an unknown subcommand, option or value fails here.
 *
 * @param subcommand the {@code kdstream} subcommand it runs, e.g. {@code router}
 * @param parse      what picocli made of it (the subcommand's matched options)
 */
record KdstreamCommand(String subcommand, ParseResult parse) {

    /** The launcher scripts the images put on the PATH (docker/bin) and how each reaches {@code kdstream}. */
    static KdstreamCommand parse(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
        List<String> args = switch (argv.get(0)) {
            case "kdstream" -> argv.subList(1, argv.size());
            // kdstream-teacher-init FILE [options] runs `kdstream train-teacher --out FILE.partial [options]`
            case "kdstream-teacher-init" -> {
                List<String> translated = new ArrayList<>(List.of("train-teacher", "--out", argv.get(1) + ".partial"));
                translated.addAll(argv.subList(2, argv.size()));
                yield translated;
            }
            default -> throw new IllegalArgumentException("not a kdstream command line: " + argv);
        };
        // the same CommandLine configuration as Kdstream.main
        CommandLine commandLine = new CommandLine(new Kdstream()).setCaseInsensitiveEnumValuesAllowed(true);
        ParseResult result = commandLine.parseArgs(args.toArray(String[]::new));
        if (!result.hasSubcommand()) {
            throw new IllegalArgumentException("runs no kdstream subcommand: " + argv);
        }
        return new KdstreamCommand(result.subcommand().commandSpec().name(), result.subcommand());
    }

    /**
     * Whether the subcommand runs a service under ServiceRunner, which serves /health and /metrics when
     * kdstream.http.port is set: read from the command class's own bytecode (its calls), not from a list.
     */
    boolean servesStatus() {
        Class<?> command = parse.commandSpec().userObject().getClass();
        var constants = ConfigKeys.stringConstants(command);
        return constants.contains(ServiceRunner.class.getName().replace('.', '/')) && constants.contains("runUntilStopped");
    }

    /** The value of an option of the subcommand, as written. */
    String option(String name) {
        return parse.hasMatchedOption(name) ? parse.matchedOption(name).stringValues().get(0) : null;
    }
}
