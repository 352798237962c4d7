package io.kdstream.platform.config;

import org.apache.kafka.common.config.ConfigDef;

import java.util.List;
import java.util.function.Function;

/**
 * The {@link ConfigDef.Validator}s kdstream's definitions use. Each lets an unset value (a null default) pass, since
 * what an unset key means is decided by the code that reads it; and each says what it accepts in {@code toString},
 * which {@code kdstream config list} prints as the valid values.
 */
public final class Validators {

    private Validators() {
    }

    /**
     * One of {@code names}, read by {@code parser} (usually an enum's case-insensitive parser), whose message becomes
     * the error's.
     */
    public static ConfigDef.Validator oneOf(Function<String, ?> parser, List<String> names) {
        return validator(String.join(", ", names), (name, value) -> {
            try {
                parser.apply(value.toString());
            } catch (IllegalArgumentException e) {
                throw new org.apache.kafka.common.config.ConfigException(name, value, e.getMessage());
            }
        });
    }

    /** One of {@code names}, exactly. */
    public static ConfigDef.Validator in(List<String> names) {
        ConfigDef.ValidString valid = ConfigDef.ValidString.in(names.toArray(String[]::new));
        return validator(String.join(", ", names), valid::ensureValid);
    }

    /** A number at least {@code min}. */
    public static ConfigDef.Validator atLeast(Number min) {
        ConfigDef.Range range = ConfigDef.Range.atLeast(min);
        return validator(range.toString(), range::ensureValid);
    }

    /** A number from {@code min} to {@code max}, both included. */
    public static ConfigDef.Validator between(Number min, Number max) {
        ConfigDef.Range range = ConfigDef.Range.between(min, max);
        return validator(range.toString(), range::ensureValid);
    }

    /** A finite number above 0 (a temperature). */
    public static ConfigDef.Validator positive() {
        return validator("(0,...)", (name, value) -> {
            double number = ((Number) value).doubleValue();
            if (!(number > 0) || !Double.isFinite(number)) {
                throw new org.apache.kafka.common.config.ConfigException(name, value, "must be finite and above 0");
            }
        });
    }

    private static ConfigDef.Validator validator(String accepts, ConfigDef.Validator check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null) {
                    check.ensureValid(name, value);
                }
            }

            @Override
            public String toString() {
                return accepts;
            }
        };
    }
}
