package io.kdstream.cli.commands;

import io.kdstream.cli.Kdstream;
import io.kdstream.trainer.cache.CachedSequence;
import io.kdstream.trainer.cache.DiskLogitCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kdstream cache hash DIR} shows the content hash a trainer's log shows, from the directory alone. */
class CacheHashCommandTest {

    @Test
    void shouldPrintTheContentHashAndOffsetsOfALocalCache(@TempDir Path dir) throws Exception {
        String hash;
        try (DiskLogitCache cache = DiskLogitCache.open(dir, 1 << 16, "char-v1:cli")) {
            cache.append(new CachedSequence("p1", 2, 40, 3, List.of(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)))));
            hash = cache.contentHash();
        }

        Run ok = run("cache", "hash", dir.toString());
        Run missing = run("cache", "hash", dir.resolve("absent").toString());

        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("content hash " + hash).contains("1 sequences").contains("{2=41}");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no trainer's cache in").contains("absent");
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs the command in this JVM with its standard output and error captured. */
    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new Kdstream()).execute(args);
            return new Run(exit, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
