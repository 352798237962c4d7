package io.kdstream.producers.generate;

import io.kdstream.tinylang.Program;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ByExampleCodeTemplatesTest {

    /** "f(3)=17" or "f(2,5)=31": the points and values a task shows. */
    private static final Pattern SHOWN = Pattern.compile("f\\((\\d+)(?:,(\\d+))?\\)=(-?\\d+)");

    @Test
    void shouldShowValuesTheReferenceProgramComputesAndThatNoOtherConstantsFit() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        for (CodeTemplate template : ByExampleCodeTemplates.ALL) {
            for (int i = 0; i < 50; i++) {
                long[] p = template.parameters().draw(random);
                CodeTaskGenerator.CodeTask task = CodeTaskGenerator.task(template, p, Difficulty.EXPERT);
                List<Map<String, Long>> points = new ArrayList<>();
                List<Long> values = new ArrayList<>();
                Matcher shown = SHOWN.matcher(task.prompt());
                while (shown.find()) {
                    Map<String, Long> point = new LinkedHashMap<>();
                    point.put("x", Long.parseLong(shown.group(1)));
                    if (shown.group(2) != null) {
                        point.put("y", Long.parseLong(shown.group(2)));
                    }
                    points.add(point);
                    values.add(Long.parseLong(shown.group(3)));
                }
                assertThat(points).as(task.prompt()).hasSize(2);
                assertThat(List.of(run(task.response(), points.get(0)), run(task.response(), points.get(1)))).as(task.prompt()).isEqualTo(values);
                // the constants are the first two parameters: any others in a wider range than drawn miss a shown value
                for (long a = -2; a <= 15; a++) {
                    for (long b = -2; b <= 65; b++) {
                        if (a == p[0] && b == p[1]) {
                            continue;
                        }
                        long[] other = p.clone();
                        other[0] = a;
                        other[1] = b;
                        String program = template.program().of(other);
                        assertThat(run(program, points.get(0)) == values.get(0) && run(program, points.get(1)) == values.get(1))
                                .as("%s also fits %s", program, task.prompt()).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void shouldGiveAboutAThirdOfTheExpertTasksConstantsToWorkOut() {
        List<CodeTaskGenerator.CodeTask> tasks = new CodeTaskGenerator(3, new SdgOptions(Difficulty.EXPERT, 0)).generate(1100, io.kdstream.schemas.avro.Split.TRAIN);
        long byExample = tasks.stream().filter(t -> t.prompt().startsWith("f(")).count();
        assertThat(byExample).isBetween(300L, 500L);
    }

    private static long run(String source, Map<String, Long> inputs) throws Exception {
        return Program.parse(source).run(inputs, CodeTaskGenerator.STEP_LIMIT);
    }
}
