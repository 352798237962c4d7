package io.kdstream.platform.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing what a service holds at shutdown: everything is closed even when one close fails. */
public final class Resources {

    private static final Logger log = LoggerFactory.getLogger(Resources.class);

    private Resources() {
    }

    /** Closes each non-null resource in order, logging (not throwing) failures. */
    public static void closeAll(String owner, AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("{}: closing {} failed: {}", owner, resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
