package io.kdstream.tinylang;

import java.util.List;

/** The syntax tree of a program. */
final class Syntax {

    private Syntax() {
    }

    sealed interface Expr permits Number, Variable, Unary, Binary {
    }

    record Number(long value) implements Expr {
    }

    record Variable(String name, int offset) implements Expr {
    }

    /** {@code -} negates; {@code !} is 1 for 0 and 0 otherwise. */
    record Unary(String operator, Expr operand) implements Expr {
    }

    record Binary(String operator, Expr left, Expr right, int offset) implements Expr {
    }

    sealed interface Statement permits Assign, If, While, Return {
    }

    record Assign(String name, Expr value) implements Statement {
    }

    record If(Expr condition, List<Statement> then, List<Statement> otherwise) implements Statement {
    }

    record While(Expr condition, List<Statement> body) implements Statement {
    }

    record Return(Expr value) implements Statement {
    }
}
