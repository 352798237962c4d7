package io.kdstream.producers.generate;

import io.kdstream.producers.publish.PromptIds;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.tinylang.Program;
import io.kdstream.tinylang.TestCase;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Synthetic code SDG in the spirit of Genetic-Instruct and MBPP: small programming tasks whose reference solutions
 * are tinylang programs ({@link Program}), each with test cases that pass@1 scoring runs a generated program
 * against. Deterministic from the seed; a task's split comes from {@link Splits}, and its test inputs from the task
 * itself, so the same task always has the same tests and the same Prompt id. The families come from
 * {@link CodeTemplates#of} by {@link Difficulty}; a wrong response ({@link SdgOptions#wrongShare}) is the reference
 * program with one off-by-one or wrong-branch mistake that still runs but fails some of the tests
 * ({@link WrongPrograms}).
 */
public final class CodeTaskGenerator implements SdgGenerator<CodeTaskGenerator.CodeTask> {

    public static final String DATASET = "code";
    static final int TESTS_PER_TASK = 5;
    /** The evaluator's default step limit: a wrong program must run within it on every test. */
    static final long STEP_LIMIT = 10_000;
    /** Test sets are redrawn until their outputs differ, so no constant program passes; this bounds the redraws. */
    private static final int MAX_TEST_DRAWS = 100;

    private final long seed;
    private final SdgOptions options;
    private final List<CodeTemplate> templates;
    private final SplittableRandom random;

    /** Easy tasks, every program correct. */
    public CodeTaskGenerator(long seed) {
        this(seed, SdgOptions.CLEAN_EASY);
    }

    public CodeTaskGenerator(long seed, SdgOptions options) {
        this.seed = seed;
        this.options = options;
        this.templates = CodeTemplates.of(options.difficulty());
        this.random = new SplittableRandom(seed);
    }

    /**
     * A task: its text (the prompt), its program (the response: the reference program, or a wrong one when
     * {@code wrong}) and its test cases (always the correct outputs).
     */
    public record CodeTask(String canonical, String prompt, String response, List<TestCase> tests, Split split,
                           Difficulty difficulty, boolean wrong) implements SdgExample {
        @Override
        public Prompt toPrompt(String source) {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("problem", canonical);
            metadata.put(TestCase.LANGUAGE_KEY, Program.LANGUAGE);
            metadata.put(TestCase.METADATA_KEY, TestCase.encode(tests));
            SdgMetadata.describe(metadata, difficulty, wrong);
            return Prompt.newBuilder()
                    .setId(PromptIds.contentHash(DATASET, prompt, response))
                    .setDataset(DATASET)
                    .setSplit(split)
                    .setPrompt(prompt)
                    .setResponse(response)
                    .setSource(source)
                    .setMetadata(metadata)
                    .setCreatedAt(Instant.now())
                    .build();
        }
    }

    @Override
    public String dataset() {
        return DATASET;
    }

    @Override
    public SdgOptions options() {
        return options;
    }

    @Override
    public CodeTask next() {
        CodeTemplate template = templates.get(random.nextInt(templates.size()));
        return task(template, template.parameters().draw(random), options.difficulty());
    }

    /** The task with a wrong program, the mistake chosen from the seed and the task. */
    @Override
    public Optional<CodeTask> wrong(CodeTask task) {
        return WrongPrograms.pick(task.response(), task.tests(), CodeTemplates.MAX_EXAMPLE_CHARS - task.prompt().length(),
                        STEP_LIMIT, SdgGenerator.mistakes(seed, task))
                .map(program -> new CodeTask(task.canonical(), task.prompt(), program, task.tests(), task.split(),
                        task.difficulty(), true));
    }

    /**
     * A held-out task also carries tests that tell its reference program from the near misses random inputs let pass
     * ({@link DistinguishingTests}); training tasks keep the random tests, which their wrong programs are chosen to fail.
     */
    @Override
    public CodeTask heldOut(CodeTask task) {
        List<TestCase> tests = DistinguishingTests.extend(family(templates, task.canonical()), parameters(task.canonical()), task.response(),
                task.tests(), STEP_LIMIT, new SplittableRandom(~Splits.crc32(task.canonical())));
        return new CodeTask(task.canonical(), task.prompt(), task.response(), tests, task.split(), task.difficulty(), task.wrong());
    }

    /** The template among {@code templates} that a task's canonical form ("template:parameters") names. */
    static CodeTemplate family(List<CodeTemplate> templates, String canonical) {
        String name = canonical.substring(0, canonical.indexOf(':'));
        return templates.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("task " + canonical + " is of no family here"));
    }

    /** The parameters a task's canonical form ("template:p1,p2,...") names. */
    static long[] parameters(String canonical) {
        return Arrays.stream(canonical.substring(canonical.indexOf(':') + 1).split(",")).mapToLong(Long::parseLong).toArray();
    }

    static CodeTask task(CodeTemplate template, long[] parameters, Difficulty difficulty) {
        String canonical = template.name() + ":" + Arrays.stream(parameters).mapToObj(Long::toString).collect(Collectors.joining(","));
        SplittableRandom inputs = new SplittableRandom(Splits.crc32(canonical));
        List<TestCase> tests = drawTests(template, parameters, inputs);
        for (int attempt = 1; attempt < MAX_TEST_DRAWS && allSameOutput(tests); attempt++) {
            tests = drawTests(template, parameters, inputs);
        }
        return new CodeTask(canonical, template.task().of(parameters), template.program().of(parameters), tests,
                Splits.of(canonical), difficulty, false);
    }

    private static List<TestCase> drawTests(CodeTemplate template, long[] parameters, SplittableRandom inputs) {
        List<TestCase> tests = new ArrayList<>(TESTS_PER_TASK);
        for (int i = 0; i < TESTS_PER_TASK; i++) {
            tests.add(template.testCase(parameters, template.draw().draw(inputs, parameters)));
        }
        return tests;
    }

    private static boolean allSameOutput(List<TestCase> tests) {
        return tests.stream().mapToLong(TestCase::expected).distinct().count() == 1;
    }
}
