package io.kdstream.cli.commands;

import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.cache.LogitCachePruner;
import io.kdstream.teacher.cache.LogitCacheStats;
import io.kdstream.trainer.cache.CacheCorruptException;
import io.kdstream.trainer.cache.DiskLogitCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/** {@code kdstream cache stats|prune|hash}: operations on the logit cache topic, and the content hash of a trainer's local copy. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Inspect or prune the logit cache (kd.teacher.logits), or hash a trainer's local copy of it.")
public final class CacheCommand {

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(10);

    @Command(name = "stats", description = "Records, bytes, bytes per token and per top-K entry, for each teacher in the cache;"
            + " live records that cannot be read are counted and named.")
    int stats(@Mixin ClientOptions client) {
        var settings = client.settings();
        LogitCacheStats.Snapshot snapshot = LogitCacheStats.read(settings.clientProperties(),
                new TopicCatalogue(settings.clientProperties()), READ_TIMEOUT);
        Collection<LogitCacheStats.TeacherShare> shares = snapshot.shares();
        System.out.printf("%-28s %10s %14s %12s %14s %16s%n", "teacher", "records", "bytes", "tokens", "bytes/token", "bytes/top-K entry");
        for (LogitCacheStats.TeacherShare share : shares) {
            System.out.printf("%-28s %10d %14d %12d %14.1f %16.2f%n", share.teacher(), share.records(), share.bytes(), share.tokens(),
                    share.bytesPerToken(), share.bytesPerTopKEntry());
        }
        if (shares.isEmpty()) {
            System.out.println("(no readable records)");
        }
        if (!snapshot.unreadable().isEmpty()) {
            System.out.println(snapshot.unreadable().size() + " live records cannot be read as logit records (not counted above):");
            for (LogitCacheStats.UnreadableRecord bad : snapshot.unreadable()) {
                System.out.printf("  %s-%d@%d key %s: %s%n", TopicCatalogue.TEACHER_LOGITS.name(), bad.partition(), bad.offset(),
                        bad.key(), bad.reason());
            }
        }
        return 0;
    }

    @Command(name = "hash", description = "The content hash of a trainer's local cache, with the topic offsets it was read up to:"
            + " a cache rebuilt from the topic (--rebuild-cache) has the hash of the one built online up to the same offsets.")
    int hash(@Parameters(paramLabel = "DIR", description = "the cache directory (kdstream.trainer.cache.dir; by default"
            + " <checkpoint dir>/<run id>/cache); not while a trainer has it open") Path directory) {
        try {
            System.out.println(DiskLogitCache.inspect(directory).describe());
            return 0;
        } catch (CacheCorruptException | IOException e) {
            System.err.println("kdstream cache hash: " + e.getMessage());
            return 1;
        }
    }

    @Command(name = "prune", description = "Tombstone every record of one teacher; compaction then removes them.")
    int prune(@Mixin ClientOptions client,
              @Option(names = "--teacher", required = true, description = "the teacher fingerprint to remove") String teacher) {
        int pruned = LogitCachePruner.prune(client.settings().clientProperties(), teacher, READ_TIMEOUT);
        System.out.println("tombstoned " + pruned + " records of teacher " + teacher);
        return 0;
    }
}
