package io.kdstream.platform.service;

/** A service instance's default name, for the transactional ids and static group memberships that must outlive a restart. */
public final class InstanceIds {

    private InstanceIds() {
    }

    /** The host name: stable across restarts on one host or pod, distinct between hosts. */
    public static String ofThisHost() {
        String host = System.getenv("HOSTNAME");
        return host != null && !host.isBlank() ? host : Long.toString(ProcessHandle.current().pid());
    }
}
