package io.kdstream.trainer.cache;

/** The local cache on disk cannot be trusted (a checksum, a length or the committed position does not match). */
public final class CacheCorruptException extends Exception {

    public CacheCorruptException(String message) {
        super(message);
    }

    public CacheCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
