package io.kdstream.producers.generate;

import io.kdstream.producers.PromptIds;
import io.kdstream.schemas.avro.Prompt;

import java.time.Instant;
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
                .setMetadata(Map.of("problem", problem.canonical()))
                .setCreatedAt(Instant.now())
                .build();
    }
}
