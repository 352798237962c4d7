package io.kdstream.platform.config;

import java.util.Arrays;

/** A choice that settings, checkpoint metadata and events call by a name of its own, an enum's constant. */
public interface ConfigNamed {

    /** The name used in settings, checkpoint metadata and events. */
    String configName();

    /**
     * The constant of {@code type} whose {@link #configName()} is {@code name}, ignoring case and surrounding blanks.
     *
     * @param kind what the choice is, for the message that refuses an unknown name
     */
    static <E extends Enum<E> & ConfigNamed> E parse(Class<E> type, String kind, String name) {
        E[] constants = type.getEnumConstants();
        for (E constant : constants) {
            if (constant.configName().equalsIgnoreCase(name.trim())) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; expected one of "
                + Arrays.stream(constants).map(ConfigNamed::configName).toList());
    }
}
