package io.kdstream.producers.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JsonlLinesTest {

    @Test
    void shouldSkipAnOverlongLineKeepingOnlyItsPrefixAndGoOnWithTheNextLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.jsonl");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("{\"a\":1}\r\n".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 64; i++) { // a 4 MiB line
                out.write(chunk);
            }
            out.write("\n{\"b\":2}".getBytes(StandardCharsets.UTF_8));
        }

        try (JsonlLines lines = new JsonlLines(file, 1000)) {
            JsonlLines.Line first = lines.next();
            JsonlLines.Line huge = lines.next();
            JsonlLines.Line last = lines.next();

            assertThat(first.text()).isEqualTo("{\"a\":1}");
            assertThat(huge.text()).isNull();
            assertThat(huge.length()).isEqualTo(64L << 16);
            assertThat(huge.raw()).hasSize(1000);
            assertThat(huge.invalidReason()).contains("line is 4194304 bytes, over the limit of 1000").contains("at byte 9 of the file");
            assertThat(last.number()).isEqualTo(3);
            assertThat(last.text()).isEqualTo("{\"b\":2}");
            assertThat(lines.next()).isNull();
        }
    }
}
