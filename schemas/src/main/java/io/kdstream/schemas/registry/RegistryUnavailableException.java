package io.kdstream.schemas.registry;

import java.util.Optional;

/**
 * The registry could not be reached after retrying with back-off: an outage, not a fault of the record or schema at
 * hand. Whoever meets one tries again later ({@link RegistryWait}); it never makes a record a dead letter.
 */
public class RegistryUnavailableException extends SchemaRegistryException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The outage behind an error, if one is: serdes report it wrapped (Kafka's {@code SerializationException}, a
     * consumer's {@code RecordDeserializationException}, a Streams exception), so the causes are searched.
     */
    public static Optional<RegistryUnavailableException> in(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RegistryUnavailableException outage) {
                return Optional.of(outage);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }
}
