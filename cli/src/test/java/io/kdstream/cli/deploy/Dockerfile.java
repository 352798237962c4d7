package io.kdstream.cli.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stages of a Dockerfile as far as deployment checks need them: base, ENV, USER, EXPOSE, ENTRYPOINT, CMD,
 * HEALTHCHECK and RUN lines, with what a stage built FROM another stage inherits from it (Docker's rules, including
 * that setting ENTRYPOINT clears an inherited CMD).
 */
final class Dockerfile {

    private static final Pattern FROM = Pattern.compile("(?i)FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?");
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");
    private static final Pattern ARG = Pattern.compile("(?i)ARG\\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\\S*))?");

    /** One stage; lists are empty and values null where the stage (and what it inherits) sets nothing. */
    record Stage(String name, String base, Map<String, String> env, String user, List<String> exposed,
                 List<String> entrypoint, List<String> cmd, List<String> healthcheck, boolean healthcheckNone,
                 List<String> runs, List<String> copies) {

        /** What the container runs when nothing overrides it. */
        List<String> argv() {
            List<String> argv = new ArrayList<>(entrypoint);
            argv.addAll(cmd);
            return argv;
        }
    }

    private final Map<String, Stage> stages;

    private Dockerfile(Map<String, Stage> stages) {
        this.stages = stages;
    }

    static Dockerfile read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    Optional<Stage> stage(String name) {
        return Optional.ofNullable(stages.get(name));
    }

    Map<String, Stage> stages() {
        return stages;
    }

    private static Dockerfile parse(List<String> lines) {
        Map<String, String> globalArgs = new LinkedHashMap<>();
        Map<String, Stage> stages = new LinkedHashMap<>();
        Builder current = null;
        for (String instruction : instructions(lines)) {
            String keyword = instruction.split("\\s+", 2)[0].toUpperCase();
            String rest = instruction.substring(keyword.length()).trim();
            if (keyword.equals("ARG")) {
                Matcher arg = ARG.matcher(instruction);
                if (current == null && arg.matches()) {
                    globalArgs.put(arg.group(1), arg.group(2) == null ? "" : arg.group(2));
                }
                continue;
            }
            if (keyword.equals("FROM")) {
                if (current != null) {
                    stages.put(current.name, current.build());
                }
                Matcher from = FROM.matcher(instruction);
                if (!from.matches()) {
                    throw new IllegalArgumentException("cannot read: " + instruction);
                }
                String base = substitute(from.group(1), globalArgs);
                String name = from.group(2) != null ? from.group(2) : "stage-" + stages.size();
                current = new Builder(name, base, stages.get(base));
                continue;
            }
            if (current == null) {
                throw new IllegalArgumentException(keyword + " before FROM");
            }
            switch (keyword) {
                case "ENV" -> {
                    Matcher pair = ENV_PAIR.matcher(rest);
                    while (pair.find()) {
                        current.env.put(pair.group(1), unquote(pair.group(2)));
                    }
                }
                case "USER" -> current.user = rest;
                case "EXPOSE" -> current.exposed.addAll(List.of(rest.split("\\s+")));
                case "ENTRYPOINT" -> {
                    current.entrypoint = jsonArray(rest);
                    current.cmd = List.of();
                }
                case "CMD" -> current.cmd = jsonArray(rest);
                case "HEALTHCHECK" -> {
                    current.healthcheckNone = rest.equalsIgnoreCase("NONE");
                    int cmd = rest.indexOf("CMD ");
                    current.healthcheck = current.healthcheckNone ? List.of() : jsonArray(rest.substring(cmd + 4).trim());
                }
                case "RUN" -> current.runs.add(rest);
                case "COPY" -> current.copies.add(rest);
                default -> {
                    // LABEL, WORKDIR and the like do not matter to the checks
                }
            }
        }
        if (current != null) {
            stages.put(current.name, current.build());
        }
        return new Dockerfile(stages);
    }

    /** Joins continuation lines and drops comments (comment lines may sit inside a continued instruction). */
    private static List<String> instructions(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            pending.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                out.add(pending.toString().trim());
                pending.setLength(0);
            }
        }
        return out;
    }

    private static List<String> jsonArray(String text) {
        if (!text.startsWith("[")) {
            throw new IllegalArgumentException("use the exec (JSON array) form, so signals reach the JVM: " + text);
        }
        try {
            return new ObjectMapper().readValue(text, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON array: " + text, e);
        }
    }

    private static String substitute(String text, Map<String, String> args) {
        Matcher variable = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(text);
        return variable.replaceAll(match -> Matcher.quoteReplacement(args.getOrDefault(match.group(1), "")));
    }

    private static String unquote(String value) {
        return value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
                ? value.substring(1, value.length() - 1).replace("\\\"", "\"") : value;
    }

    private static final class Builder {
        final String name;
        final String base;
        final Map<String, String> env = new LinkedHashMap<>();
        final List<String> exposed = new ArrayList<>();
        final List<String> runs = new ArrayList<>();
        final List<String> copies = new ArrayList<>();
        String user;
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        List<String> healthcheck = List.of();
        boolean healthcheckNone;

        Builder(String name, String base, Stage parent) {
            this.name = name;
            this.base = base;
            if (parent != null) {
                env.putAll(parent.env());
                exposed.addAll(parent.exposed());
                user = parent.user();
                entrypoint = parent.entrypoint();
                cmd = parent.cmd();
                healthcheck = parent.healthcheck();
                healthcheckNone = parent.healthcheckNone();
            }
        }

        Stage build() {
            return new Stage(name, base, Map.copyOf(env), user, List.copyOf(exposed), entrypoint, cmd, healthcheck,
                    healthcheckNone, List.copyOf(runs), List.copyOf(copies));
        }
    }
}
