package io.kdstream.cli.network;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DJL's engine is reached only through io.kdstream.model.djl.DjlEngine, which sets DJL's network defaults first:
 * a call that starts the engine anywhere else in the product could run before them and let DJL call home.
 */
class DjlEntryPointsTest {

    /** DJL calls that start (or look up) the engine, or like it call home: the Hugging Face tokenizer's loader. */
    private static final Pattern ENGINE_STARTS = Pattern.compile("Engine\\.get(Engine|Instance)\\(|NDManager\\.newBaseManager\\("
            + "|Model\\.newInstance\\(|Device\\.fromName\\(|Criteria\\.builder\\(|HuggingFaceTokenizer\\.newInstance\\(");
    private static final Path GATEWAY = Path.of("model", "src", "main", "java", "io", "kdstream", "model", "djl");

    @Test
    void onlyTheDjlGatewayStartsTheEngine() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve(GATEWAY).resolve("DjlEngine.java")).as("run from a module of the repository").exists();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(file -> file.toString().endsWith(".java"))
                    .map(root::relativize)
                    .filter(file -> file.toString().contains("src" + java.io.File.separator + "main"))
                    .filter(file -> !file.startsWith(GATEWAY))
                    .filter(file -> ENGINE_STARTS.matcher(read(root.resolve(file))).find())
                    .map(Path::toString)
                    .toList();
        }
        assertThat(offenders).as("main sources that start DJL's engine without DjlEngine").isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
