package io.kdstream.model.generation;

/** Why generation of one sequence ended. */
public enum StopReason {
    /** The model produced the end-of-sequence token (which is not part of the generated tokens). */
    EOS,
    /** The requested number of new tokens was generated. */
    MAX_NEW_TOKENS,
    /** The sequence filled the model's context; it may be cut short. */
    CONTEXT_LIMIT
}
