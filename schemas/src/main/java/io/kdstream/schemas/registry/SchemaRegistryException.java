package io.kdstream.schemas.registry;

/** The schema registry answered with an error, or could not be asked. */
public class SchemaRegistryException extends RuntimeException {
    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
