package io.kdstream.schemas.registry;

/** The registry could not be reached after retrying with back-off. */
public class RegistryUnavailableException extends SchemaRegistryException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
