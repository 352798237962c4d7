package io.kdstream.cli.commands;

import io.kdstream.cli.progress.Progress;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.cache.LogitCachePruner;
import io.kdstream.teacher.cache.LogitCacheStats;
import io.kdstream.teacher.cache.export.ExportFormat;
import io.kdstream.teacher.cache.export.LogitCacheExport;
import io.kdstream.trainer.cache.CacheCorruptException;
import io.kdstream.trainer.cache.DiskLogitCache;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/** {@code kdstream cache stats|prune|export|hash}: operations on the logit cache topic, and the content hash of a trainer's local copy. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Inspect, prune or export the logit cache (kd.teacher.logits), or hash a trainer's local copy of it.")
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

    @Command(name = "export", description = "Write one teacher's cached sequences as JSONL for trainers outside Java: "
            + "NeMo-Aligner's KD data or axolotl's offline KD data.")
    int export(@Mixin ClientOptions client,
               @Option(names = "--teacher", required = true, description = "the teacher fingerprint to export") String teacher,
               @Option(names = "--format", required = true, description = "nemo-aligner or axolotl") String format,
               @Parameters(paramLabel = "OUT", description = "the JSONL file to write") Path out) throws IOException {
        var settings = client.settings();
        ExportFormat chosen = ExportFormat.named(format);
        LogitCacheExport.Summary summary;
        try (ExportBar bar = new ExportBar()) {
            summary = LogitCacheExport.export(settings.clientProperties(), new TopicCatalogue(settings.clientProperties()),
                    teacher, chosen, out, bar);
        }
        System.out.printf("wrote %d sequences (%d tokens) of teacher %s to %s as %s%s%n", summary.sequences(), summary.tokens(),
                teacher, out, chosen.label(), summary.malformed() == 0 ? "" : "; " + summary.malformed() + " malformed records left out (logged)");
        return 0;
    }

    /** The export's progress: records read of the topic's, and sequences written. */
    private static final class ExportBar implements LogitCacheExport.Progress, AutoCloseable {

        private ProgressBar bar;

        @Override
        public void total(long records) {
            bar = Progress.bar("export", records, "records");
        }

        @Override
        public void read(long records, long sequencesWritten) {
            bar.stepTo(records);
            bar.setExtraMessage(" " + sequencesWritten + " sequences");
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
