package io.kdstream.platform.embedded;

import io.kdstream.platform.kafka.ServiceUser;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Gives each user its ACLs, as the admin, and waits until the broker enforces them. */
final class AclGrants {

    private static final long WAIT_MS = 30_000;

    private AclGrants() {
    }

    static void grant(Map<String, Object> adminProperties, List<ServiceUser> users) {
        Set<AclBinding> wanted = new HashSet<>();
        users.forEach(user -> wanted.addAll(user.acls()));
        try (Admin admin = Admin.create(adminProperties)) {
            admin.createAcls(wanted).all().get(WAIT_MS, TimeUnit.MILLISECONDS);
            // the controller has them; the broker's authorizer learns them from the metadata log a moment later, and
            // answers describeAcls from what it enforces
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (!admin.describeAcls(AclBindingFilter.ANY).values().get(WAIT_MS, TimeUnit.MILLISECONDS).containsAll(wanted)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the embedded broker did not enforce its ACLs within " + WAIT_MS + " ms");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting the embedded broker's ACLs", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot grant the embedded broker's ACLs: " + e.getMessage(), e);
        }
    }
}
