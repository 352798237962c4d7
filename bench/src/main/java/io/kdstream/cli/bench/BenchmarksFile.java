package io.kdstream.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * BENCHMARKS.md, one {@code ## } section per benchmark: writing a section replaces the section with the same heading
 * (up to the next {@code ## } heading) and leaves every other section as it was; a new heading is appended.
 */
public final class BenchmarksFile {

    private BenchmarksFile() {
    }

    public static void writeSection(Path file, String heading, String body) throws IOException {
        String title = "## " + heading;
        String section = title + "\n\n" + body.strip() + "\n";
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# kdstream benchmarks\n";
        int start = text.startsWith(title + "\n") ? 0 : text.indexOf("\n" + title + "\n");
        String updated;
        if (start < 0) {
            updated = text.stripTrailing() + "\n\n" + section;
        } else {
            int from = start == 0 ? 0 : start + 1;
            int next = text.indexOf("\n## ", from + title.length());
            String rest = next < 0 ? "" : "\n" + text.substring(next + 1);
            updated = text.substring(0, from) + section + rest;
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
