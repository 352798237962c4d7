package io.kdstream.tinylang;

import io.kdstream.tinylang.Syntax.Assign;
import io.kdstream.tinylang.Syntax.Binary;
import io.kdstream.tinylang.Syntax.Expr;
import io.kdstream.tinylang.Syntax.If;
import io.kdstream.tinylang.Syntax.Return;
import io.kdstream.tinylang.Syntax.Statement;
import io.kdstream.tinylang.Syntax.Unary;
import io.kdstream.tinylang.Syntax.Variable;
import io.kdstream.tinylang.Syntax.While;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Runs a parsed program on 64-bit integers. Every executed statement and every loop test is one step; past the
 * limit the run stops, so a generated endless loop costs a bounded time. Overflow is an error, never a wrap-around;
 * {@code /} and {@code %} truncate toward zero as in Java and C.
 */
final class Interpreter {

    private final Map<String, Long> variables;
    private final long stepLimit;
    private long steps;

    private Interpreter(Map<String, Long> inputs, long stepLimit) {
        this.variables = new HashMap<>(inputs);
        this.stepLimit = stepLimit;
    }

    static long run(List<Statement> program, Map<String, Long> inputs, long stepLimit) throws ProgramException {
        Interpreter interpreter = new Interpreter(inputs, stepLimit);
        OptionalLong result = interpreter.execute(program);
        if (result.isEmpty()) {
            throw new ProgramException(ProgramException.Kind.NO_RETURN, "the program ended without 'return'");
        }
        return result.getAsLong();
    }

    /** The returned value, or empty when the statements finished without returning. */
    private OptionalLong execute(List<Statement> statements) throws ProgramException {
        for (Statement statement : statements) {
            step();
            OptionalLong returned = statement(statement);
            if (returned.isPresent()) {
                return returned;
            }
        }
        return OptionalLong.empty();
    }

    // Java 17 has no pattern matching in switch, hence the instanceof chains over the sealed syntax types.
    private OptionalLong statement(Statement statement) throws ProgramException {
        if (statement instanceof Assign assign) {
            variables.put(assign.name(), evaluate(assign.value()));
            return OptionalLong.empty();
        }
        if (statement instanceof Return ret) {
            return OptionalLong.of(evaluate(ret.value()));
        }
        if (statement instanceof If branch) {
            return execute(evaluate(branch.condition()) != 0 ? branch.then() : branch.otherwise());
        }
        return loop((While) statement);
    }

    private OptionalLong loop(While loop) throws ProgramException {
        while (evaluate(loop.condition()) != 0) {
            OptionalLong returned = execute(loop.body());
            if (returned.isPresent()) {
                return returned;
            }
            step();
        }
        return OptionalLong.empty();
    }

    private void step() throws ProgramException {
        if (++steps > stepLimit) {
            throw new ProgramException(ProgramException.Kind.STEP_LIMIT, "stopped after " + stepLimit + " steps");
        }
    }

    private long evaluate(Expr expr) throws ProgramException {
        if (expr instanceof Syntax.Number number) {
            return number.value();
        }
        if (expr instanceof Variable variable) {
            Long value = variables.get(variable.name());
            if (value == null) {
                throw new ProgramException(ProgramException.Kind.RUNTIME,
                        "variable '" + variable.name() + "' at offset " + variable.offset() + " has no value");
            }
            return value;
        }
        if (expr instanceof Unary unary) {
            long operand = evaluate(unary.operand());
            return unary.operator().equals("-") ? arithmetic(() -> Math.negateExact(operand), "-", -1) : truth(operand == 0);
        }
        return binary((Binary) expr);
    }

    private long binary(Binary binary) throws ProgramException {
        long left = evaluate(binary.left());
        if (binary.operator().equals("&&") && left == 0) {
            return 0;
        }
        if (binary.operator().equals("||") && left != 0) {
            return 1;
        }
        long right = evaluate(binary.right());
        int at = binary.offset();
        return switch (binary.operator()) {
            case "+" -> arithmetic(() -> Math.addExact(left, right), "+", at);
            case "-" -> arithmetic(() -> Math.subtractExact(left, right), "-", at);
            case "*" -> arithmetic(() -> Math.multiplyExact(left, right), "*", at);
            case "/" -> {
                long divisor = nonZero(right, at);
                yield arithmetic(() -> divide(left, divisor), "/", at);
            }
            case "%" -> left % nonZero(right, at);
            case "==" -> truth(left == right);
            case "!=" -> truth(left != right);
            case "<" -> truth(left < right);
            case "<=" -> truth(left <= right);
            case ">" -> truth(left > right);
            case ">=" -> truth(left >= right);
            case "&&", "||" -> truth(right != 0);
            default -> throw new IllegalStateException("the parser produced the unknown operator " + binary.operator());
        };
    }

    private interface ExactOperation {
        long apply();
    }

    private static long arithmetic(ExactOperation operation, String operator, int offset) throws ProgramException {
        try {
            return operation.apply();
        } catch (ArithmeticException e) {
            String where = offset < 0 ? "" : " at offset " + offset;
            throw new ProgramException(ProgramException.Kind.RUNTIME, "'" + operator + "'" + where + " overflows 64-bit integers");
        }
    }

    /** Math.divideExact arrived in Java 18: the one quotient that overflows is MIN_VALUE / -1. */
    private static long divide(long left, long right) {
        if (left == Long.MIN_VALUE && right == -1) {
            throw new ArithmeticException("long overflow");
        }
        return left / right;
    }

    private static long nonZero(long divisor, int offset) throws ProgramException {
        if (divisor == 0) {
            throw new ProgramException(ProgramException.Kind.RUNTIME, "division by zero at offset " + offset);
        }
        return divisor;
    }

    private static long truth(boolean value) {
        return value ? 1 : 0;
    }
}
