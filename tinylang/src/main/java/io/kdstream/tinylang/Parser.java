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

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser. Operator precedence, loosest first: {@code ||}, {@code &&}, comparisons,
 * {@code + -}, {@code * / %}, unary {@code - !}. Nesting is limited so that a model's runaway output such as
 * {@code ((((((...} is a syntax error, not a stack overflow.
 */
final class Parser {

    private static final int MAX_DEPTH = 64;
    private static final List<List<String>> LEVELS = List.of(
            List.of("||"), List.of("&&"), List.of("==", "!=", "<", "<=", ">", ">="), List.of("+", "-"), List.of("*", "/", "%"));

    private final List<Token> tokens;
    private int position;
    private int depth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Statement> parse(String source) throws ProgramException {
        Parser parser = new Parser(Lexer.tokens(source));
        List<Statement> program = parser.statements();
        if (parser.peek().kind() != Token.Kind.END) {
            throw parser.error("expected a statement, found " + parser.peek().describe());
        }
        return program;
    }

    /** Statements up to a closing brace or the end; semicolons between them are optional. */
    private List<Statement> statements() throws ProgramException {
        List<Statement> out = new ArrayList<>();
        while (true) {
            while (peek().is(";")) {
                position++;
            }
            Token next = peek();
            if (next.kind() == Token.Kind.END || next.is("}")) {
                return out;
            }
            out.add(statement());
        }
    }

    private Statement statement() throws ProgramException {
        Token token = next();
        if (token.is("return")) {
            return new Return(expression());
        }
        if (token.is("while")) {
            Expr condition = expression();
            return new While(condition, block());
        }
        if (token.is("if")) {
            Expr condition = expression();
            List<Statement> then = block();
            if (peek().is("else")) {
                position++;
                return new If(condition, then, peek().is("if") ? List.of(statement()) : block());
            }
            return new If(condition, then, List.of());
        }
        if (token.kind() == Token.Kind.NAME) {
            expect("=");
            return new Assign(token.text(), expression());
        }
        throw error("expected a statement (name=..., if, while or return), found " + token.describe());
    }

    private List<Statement> block() throws ProgramException {
        expect("{");
        enter();
        List<Statement> body = statements();
        depth--;
        expect("}");
        return body;
    }

    private Expr expression() throws ProgramException {
        return binary(0);
    }

    private Expr binary(int level) throws ProgramException {
        if (level == LEVELS.size()) {
            return unary();
        }
        Expr left = binary(level + 1);
        while (LEVELS.get(level).contains(peek().text()) && peek().kind() == Token.Kind.SYMBOL) {
            Token operator = next();
            left = new Binary(operator.text(), left, binary(level + 1), operator.offset());
        }
        return left;
    }

    private Expr unary() throws ProgramException {
        Token token = next();
        if (token.is("-") || token.is("!")) {
            enter();
            Expr operand = unary();
            depth--;
            return new Unary(token.text(), operand);
        }
        if (token.is("(")) {
            enter();
            Expr inner = expression();
            depth--;
            expect(")");
            return inner;
        }
        if (token.kind() == Token.Kind.NUMBER) {
            return new Syntax.Number(Long.parseLong(token.text()));
        }
        if (token.kind() == Token.Kind.NAME) {
            return new Variable(token.text(), token.offset());
        }
        throw error("expected a number, a name or '(', found " + token.describe());
    }

    private void enter() throws ProgramException {
        if (++depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " deep at " + peek().describe());
        }
    }

    private void expect(String symbol) throws ProgramException {
        Token token = next();
        if (!token.is(symbol)) {
            throw error("expected '" + symbol + "', found " + token.describe());
        }
    }

    private Token peek() {
        return tokens.get(position);
    }

    private Token next() {
        Token token = tokens.get(position);
        if (token.kind() != Token.Kind.END) {
            position++;
        }
        return token;
    }

    private static ProgramException error(String message) {
        return new ProgramException(ProgramException.Kind.SYNTAX, message);
    }
}
