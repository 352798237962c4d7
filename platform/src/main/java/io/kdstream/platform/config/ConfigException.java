package io.kdstream.platform.config;

/** A setting is missing or has a value kdstream cannot use; the message names the setting. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
