package io.kdstream.platform.kafka;

import org.apache.kafka.common.acl.AclBinding;

import java.util.List;

/**
 * A principal of a secured cluster ({@code User:<name>}, a SCRAM user) and what it is allowed: the ACL bindings, each
 * naming this principal.
 */
public record ServiceUser(String name, List<AclBinding> acls) {

    public ServiceUser {
        acls = List.copyOf(acls);
        for (AclBinding acl : acls) {
            if (!acl.entry().principal().equals(principal(name))) {
                throw new IllegalArgumentException("user " + name + " has an ACL for another principal: " + acl);
            }
        }
    }

    public static String principal(String name) {
        return "User:" + name;
    }
}
