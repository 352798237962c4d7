package io.kdstream.cli.commands;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the embedded broker and registry in the foreground, for running services one by one. */
@Command(name = "platform", mixinStandardHelpOptions = true,
        description = "Start an embedded Kafka broker and schema registry and wait (Ctrl-C stops both).")
public final class PlatformCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome());
        System.out.println("Kafka bootstrap servers: " + platform.bootstrapServers());
        System.out.println("Schema registry:         " + platform.schemaRegistryUrl());
        System.out.println("Use them with: --bootstrap-servers " + platform.bootstrapServers() + " --schema-registry-url " + platform.schemaRegistryUrl());
        new CountDownLatch(1).await();
        return 0;
    }
}
