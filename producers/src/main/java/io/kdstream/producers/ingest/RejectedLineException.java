package io.kdstream.producers.ingest;

/** A JSONL line kdstream cannot use; the message names the field or the problem. */
public class RejectedLineException extends Exception {
    public RejectedLineException(String message) {
        super(message);
    }
}
