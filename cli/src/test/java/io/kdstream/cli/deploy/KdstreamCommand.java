package io.kdstream.cli.deploy;

import io.kdstream.cli.Kdstream;
import io.kdstream.platform.service.ServiceRunner;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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
        var constants = stringConstants(command);
        return constants.contains(ServiceRunner.class.getName().replace('.', '/')) && constants.contains("runUntilStopped");
    }

    /** The value of an option of the subcommand, as written. */
    String option(String name) {
        return parse.hasMatchedOption(name) ? parse.matchedOption(name).stringValues().get(0) : null;
    }

    /** The CONSTANT_Utf8 entries of a class file: every class and method the class calls is named among them. */
    private static Set<String> stringConstants(Class<?> type) {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream stream = type.getResourceAsStream(resource)) {
            if (stream == null) {
                throw new IllegalStateException("no class file " + resource);
            }
            DataInputStream in = new DataInputStream(stream);
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalStateException(resource + " is not a class file");
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            Set<String> strings = new TreeSet<>();
            for (int index = 1; index < count; index++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> strings.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        index++; // longs and doubles take two entries
                    }
                    default -> throw new IllegalStateException(resource + ": unknown constant pool tag " + tag);
                }
            }
            return strings;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
