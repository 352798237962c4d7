package io.kdstream.model.checkpoint;

import java.io.IOException;

/** A checkpoint file that cannot be used; {@link #reason()} says why, the message says exactly what was found. */
public final class CheckpointException extends IOException {

    /** The ways a checkpoint is refused. */
    public enum Reason {
        MISSING,
        SHA256_MISMATCH,
        NOT_A_CHECKPOINT,
        TRUNCATED,
        CORRUPT,
        TOKENIZER_MISMATCH,
        ARCHITECTURE_MISMATCH
    }

    private final Reason reason;

    public CheckpointException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CheckpointException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
