package io.kdstream.cli.network;

import java.net.SocketPermission;
import java.security.Permission;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A security manager that allows everything but a connection to, or a name look-up of, a host other than loopback:
 * those it refuses and remembers. Installed at JVM start with {@code -Djava.security.manager=} this class's name
 * (Java 17 still honours it), so it sees every attempt from the first class loaded on.
 */
public final class LoopbackOnlyGuard extends SecurityManager {

    private static final List<String> REFUSED = new CopyOnWriteArrayList<>();

    /** Every {@code host:port} (or host looked up) refused so far, in order. */
    public static List<String> refused() {
        return List.copyOf(REFUSED);
    }

    @Override
    public void checkPermission(Permission permission) {
        if (permission instanceof SocketPermission socket) {
            String actions = socket.getActions();
            if ((actions.contains("connect") || actions.contains("resolve")) && !isLoopback(socket.getName())) {
                String attempt = socket.getName() + " (" + actions + ")";
                REFUSED.add(attempt);
                // printed at once: the refusal may end the JVM before anyone asks for the list
                System.err.println("REFUSED " + attempt);
                throw new SecurityException("refused: a connection to " + socket.getName() + " leaves the machine");
            }
        }
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
        checkPermission(permission);
    }

    static boolean isLoopback(String hostAndPort) {
        String host = hostOf(hostAndPort).toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }

    /** The host of a permission name: {@code host}, {@code host:port}, {@code [v6]:port} or a bare v6 address. */
    private static String hostOf(String name) {
        if (name.startsWith("[")) {
            return name.substring(1, name.indexOf(']'));
        }
        int colon = name.indexOf(':');
        return colon >= 0 && colon == name.lastIndexOf(':') ? name.substring(0, colon) : name;
    }
}
