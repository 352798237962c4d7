package io.kdstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kdstream generate} with --difficulty and --wrong-share, to a JSONL file. */
class GenerateCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldWriteTheAskedShareOfWrongHardTrainingExamplesMarkedInTheMetadata(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("code.jsonl");

        int status = Kdstream.run("generate", "code", "--count", "40", "--seed", "3", "--difficulty", "hard",
                "--wrong-share", "0.25", "--out", out.toString());

        assertThat(status).isZero();
        List<JsonNode> lines = lines(out);
        assertThat(lines).hasSize(40);
        assertThat(lines).allMatch(line -> line.at("/metadata/sdg.difficulty").asText().equals("hard"));
        assertThat(lines.stream().filter(line -> line.at("/metadata/sdg.wrong").asText().equals("true"))).hasSize(10);
        assertThat(lines.get(0).get("source").asText()).isEqualTo("kdstream-generate-code-seed-3-hard-wrong-0.25");
    }

    @Test
    void shouldKeepTestExamplesCorrectAndDefaultDataUnmarked(@TempDir Path dir) throws Exception {
        Path test = dir.resolve("test.jsonl");
        Path plain = dir.resolve("plain.jsonl");

        assertThat(Kdstream.run("generate", "math", "--count", "30", "--split", "test", "--wrong-share", "1", "--out", test.toString())).isZero();
        assertThat(Kdstream.run("generate", "math", "--count", "30", "--out", plain.toString())).isZero();

        assertThat(lines(test)).noneMatch(line -> line.at("/metadata").has("sdg.wrong"));
        assertThat(lines(plain)).allMatch(line -> line.get("metadata").size() == 1 && line.at("/metadata/problem").isTextual())
                .allMatch(line -> line.get("source").asText().equals("kdstream-generate-math-seed-1"));
    }

    @Test
    void shouldRefuseAWrongShareOutsideZeroToOneAndAnUnknownDifficulty(@TempDir Path dir) {
        Path out = dir.resolve("x.jsonl");
        assertThat(Kdstream.run("generate", "math", "--wrong-share", "1.5", "--out", out.toString())).isEqualTo(2);
        assertThat(Kdstream.run("generate", "math", "--wrong-share", "-0.1", "--out", out.toString())).isEqualTo(2);
        assertThat(Kdstream.run("generate", "math", "--difficulty", "extreme", "--out", out.toString())).isEqualTo(2);
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }
}
