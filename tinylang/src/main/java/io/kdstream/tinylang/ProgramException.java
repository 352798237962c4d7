package io.kdstream.tinylang;

/** Why a program could not produce a value: the kind, and a message naming the place in the source. */
public final class ProgramException extends Exception {

    public enum Kind {
        /** The text is not a program. */
        SYNTAX,
        /** Division by zero, overflow, an undefined variable. */
        RUNTIME,
        /** The program ran longer than its step limit (an endless loop, most likely). */
        STEP_LIMIT,
        /** The program ended without {@code return}. */
        NO_RETURN
    }

    private final Kind kind;

    public ProgramException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
