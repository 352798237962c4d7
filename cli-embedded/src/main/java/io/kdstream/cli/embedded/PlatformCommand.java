package io.kdstream.cli.embedded;

import io.kdstream.cli.PluggedCommand;
import io.kdstream.cli.security.ServiceAccounts;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.schemas.topics.TopicCatalogue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the embedded broker and registry in the foreground, for running services one by one. */
@Command(name = "platform", mixinStandardHelpOptions = true,
        description = "Start an embedded Kafka broker and schema registry and wait (Ctrl-C stops both).")
public final class PlatformCommand implements Callable<Integer>, PluggedCommand {

    @Option(names = "--secure", description = "TLS and SASL/SCRAM-SHA-512 on the broker, ACLs per service (one principal each),"
            + " HTTP basic authentication on the registry (the same users); prints each principal's client properties and writes"
            + " them to a file for --config")
    boolean secure;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (!secure) {
            EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome());
            System.out.println("Kafka bootstrap servers: " + platform.bootstrapServers());
            System.out.println("Schema registry:         " + platform.schemaRegistryUrl());
            System.out.println("Use them with: --bootstrap-servers " + platform.bootstrapServers() + " --schema-registry-url " + platform.schemaRegistryUrl());
        } else {
            EmbeddedPlatform platform = EmbeddedPlatform.startSecured(EmbeddedPlatform.defaultHome(), TopicCatalogue.ALL, ServiceAccounts.USERS);
            System.out.println("Kafka bootstrap servers: " + platform.bootstrapServers() + " (SASL_SSL, SCRAM-SHA-512; ACLs per principal)");
            System.out.println("Schema registry:         " + platform.schemaRegistryUrl() + " (HTTP basic authentication, the same users)");
            ClientPropertiesFiles.printAll(platform, System.out);
        }
        new CountDownLatch(1).await();
        return 0;
    }
}
