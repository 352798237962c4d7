package io.kdstream.tinylang;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProgramTest {

    private static long run(String source, Map<String, Long> inputs) throws ProgramException {
        return Program.parse(source).run(inputs, 10_000);
    }

    @Test
    void shouldRunLoopsBranchesAndArithmeticWithUsualPrecedence() throws Exception {
        assertThat(run("s=0;while x>0{s=s+x;x=x-1}return s", Map.of("x", 10L))).isEqualTo(55);
        assertThat(run("if x>y{return x}else{return y}", Map.of("x", 3L, "y", 9L))).isEqualTo(9);
        assertThat(run("if x<0{return 0-1}else if x==0{return 0}else{return 1}", Map.of("x", 0L))).isZero();
        assertThat(run("return 2+3*4-(1+1)%3", Map.of())).isEqualTo(12);
        assertThat(run("return -7/2*10+-7%2", Map.of())).isEqualTo(-31);
        assertThat(run("return (x>1&&x<5)+!(x==3)+(0||x)", Map.of("x", 3L))).isEqualTo(2);
        assertThat(run("a=1\nb=2;;return a+b", Map.of())).isEqualTo(3);
    }

    @Test
    void shouldStopAnEndlessLoopAtTheStepLimit() {
        assertThatThrownBy(() -> Program.parse("while 1{}").run(Map.of(), 500))
                .isInstanceOfSatisfying(ProgramException.class, e -> assertThat(e.kind()).isEqualTo(ProgramException.Kind.STEP_LIMIT))
                .hasMessageContaining("500 steps");
    }

    @Test
    void shouldNameWhatIsWrongWithABadProgram() {
        assertThatThrownBy(() -> Program.parse("x=1;return x+")).isInstanceOfSatisfying(ProgramException.class,
                e -> assertThat(e.kind()).isEqualTo(ProgramException.Kind.SYNTAX)).hasMessageContaining("found the end of the program");
        assertThatThrownBy(() -> Program.parse("return x#2")).hasMessageContaining("unexpected character '#' at offset 8");
        assertThatThrownBy(() -> Program.parse("return " + "(".repeat(500) + "1")).hasMessageContaining("nested more than 64 deep");
        assertThatThrownBy(() -> run("return y", Map.of())).hasMessageContaining("variable 'y' at offset 7 has no value");
        assertThatThrownBy(() -> run("return 1/x", Map.of("x", 0L))).hasMessageContaining("division by zero at offset 8");
        assertThatThrownBy(() -> run("return x*x", Map.of("x", Long.MAX_VALUE))).hasMessageContaining("overflows");
        assertThatThrownBy(() -> run("x=1", Map.of())).isInstanceOfSatisfying(ProgramException.class,
                e -> assertThat(e.kind()).isEqualTo(ProgramException.Kind.NO_RETURN));
    }

    @Test
    void shouldRoundTripTestCasesAndJudgeProgramsByThem() {
        List<TestCase> cases = List.of(new TestCase(Map.of("x", 3L), 6), new TestCase(Map.of("x", -2L), -4));
        String text = TestCase.encode(cases);

        assertThat(text).isEqualTo("x=3->6;x=-2->-4");
        assertThat(TestCase.decode(text)).isEqualTo(cases);
        assertThat(TestCase.allPass("return x*2", cases, 100)).isTrue();
        assertThat(TestCase.allPass("return x+3", cases, 100)).isFalse();
        assertThat(TestCase.allPass("return x*", cases, 100)).isFalse();
        assertThatThrownBy(() -> TestCase.decode("x=1->2;x=1")).hasMessageContaining("test case 'x=1'");
    }
}
