package io.kdstream.producers.ingest;

import java.nio.file.Path;

/** What one ingestion run did. */
public record IngestSummary(Path file, long lines, long sent, long rejected, long blank, Path rejectedFile, long millis) {

    public boolean clean() {
        return rejected == 0;
    }

    @Override
    public String toString() {
        String text = String.format("%s: %d lines, %d prompts sent, %d rejected, %d blank, in %.1f s",
                file, lines, sent, rejected, blank, millis / 1000.0);
        return rejected == 0 ? text : text + "; rejected lines with reasons in " + rejectedFile;
    }
}
