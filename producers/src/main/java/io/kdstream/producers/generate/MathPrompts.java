package io.kdstream.producers.generate;

import io.kdstream.producers.publish.PromptIds;
import io.kdstream.schemas.avro.Prompt;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Generated math problems as Prompt records. */
public final class MathPrompts {

    private MathPrompts() {
    }

    public static Prompt toPrompt(MathProblemGenerator.MathProblem problem, String source) {
        return Prompt.newBuilder()
                .setId(PromptIds.contentHash(MathProblemGenerator.DATASET, problem.prompt(), problem.response()))
                .setDataset(MathProblemGenerator.DATASET)
                .setSplit(problem.split())
                .setPrompt(problem.prompt())
                .setResponse(problem.response())
                .setExpectedAnswer(problem.answer())
                .setSource(source)
                .setMetadata(metadata(problem))
                .setCreatedAt(Instant.now())
                .build();
    }

    private static Map<String, String> metadata(MathProblemGenerator.MathProblem problem) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("problem", problem.canonical());
        SdgMetadata.describe(metadata, problem.difficulty(), problem.wrong());
        return metadata;
    }
}
