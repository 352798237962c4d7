package io.kdstream.cli;

/**
 * A {@code kdstream} subcommand from a module the CLI does not depend on, found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services} entry) when that module is on the classpath. The benchmarks (bench/) join this way: the
 * {@code kdstream} launcher script runs with them, the services' Docker images carry neither them nor JMH.
 */
public interface PluggedCommand {
}
