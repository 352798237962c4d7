package io.kdstream.tinylang;

import java.util.List;
import java.util.Map;

/**
 * A program in tinylang, the language of kdstream's synthetic code tasks: small enough for a character-level
 * model (printable ASCII only, no indentation, optional semicolons) and safe to run whatever a model writes
 * (a step limit, no I/O, overflow and division by zero are errors).
 *
 * <pre>
 * program   := statement*                       statements may be separated by ';'
 * statement := NAME '=' expr | 'return' expr
 *            | 'while' expr '{' program '}' | 'if' expr '{' program '}' ['else' ('{' program '}' | if-statement)]
 * expr      := the usual infix operators || &amp;&amp; == != &lt; &lt;= &gt; &gt;= + - * / % and unary - !,
 *              on 64-bit integers; comparisons give 1 or 0, and a condition holds when it is not 0
 * </pre>
 *
 * Example, the sum of 1..x: {@code s=0;while x>0{s=s+x;x=x-1}return s}. Inputs are variables set before the run.
 */
public final class Program {

    public static final String LANGUAGE = "tinylang-v1";

    private final String source;
    private final List<Syntax.Statement> statements;

    private Program(String source, List<Syntax.Statement> statements) {
        this.source = source;
        this.statements = statements;
    }

    /** @throws ProgramException of kind SYNTAX, naming what was found where */
    public static Program parse(String source) throws ProgramException {
        return new Program(source, Parser.parse(source));
    }

    /** The returned value; a ProgramException says why there is none (runtime error, step limit, no return). */
    public long run(Map<String, Long> inputs, long stepLimit) throws ProgramException {
        return Interpreter.run(statements, inputs, stepLimit);
    }

    public String source() {
        return source;
    }
}
