package io.kdstream.cli.reliability;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.model.testing.TestCheckpoints;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedKafkaCluster;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.Resources;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.MathPrompts;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker lost mid-run and brought back: a 3-node KRaft cluster, every topic at replication 3 with
 * {@code min.insync.replicas=2}; prompts stream in while the router, two teacher workers, the trainer and the evaluator
 * run; the node leading the transaction log (the workers' and the router's transaction coordinator) is stopped without
 * controlled shutdown, the pipeline runs on two nodes for a while, and the node is started again. Every prompt's
 * request and logits are seen exactly once by read_committed readers, the trainer caches every prompt, the evaluator
 * scores checkpoints written while the node was down, and every service is still running. Prints a row for
 * RELIABILITY.md ({@code broker-loss | ...}).
 *
 * <p>Its own cluster; the shared registry.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class BrokerLossIntegrationTest {

    private static final int PROMPTS = 360;
    private static final int HELD_OUT = 8;
    private static final double PER_SECOND = 20;
    private static final Duration DOWN = Duration.ofSeconds(15);
    private static final List<TopicSpec> PIPELINE_TOPICS = List.of(TopicCatalogue.PROMPTS, TopicCatalogue.TEACHER_REQUESTS,
            TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.CHECKPOINTS, TopicCatalogue.EVALS, TopicCatalogue.DEAD_LETTER);

    @Test
    void shouldLoseAndDuplicateNothingWhenABrokerIsLostAndComesBack(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        String run = "loss-" + System.currentTimeMillis();
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
            Settings base = Settings.of(Map.of("bootstrap.servers", cluster.bootstrapServers(), "schema.registry.url", platform.schemaRegistryUrl(),
                    "kdstream.teacher.checkpoint", TestCheckpoints.untrainedTeacher(dir, 1).toString(), "kdstream.teacher.group.id", run + "-workers",
                    "max.poll.records", "16"));
            TeacherWorkerConfig workerConfig = TeacherWorkerConfig.from(base);
            String teacher = TeacherBackends.fingerprintOf(workerConfig, Tokenizers.load(workerConfig.tokenizer()));
            Settings settings = base.with(Map.ofEntries(
                    Map.entry("kdstream.router.teacher.fingerprint", teacher),
                    Map.entry("state.dir", dir.resolve("streams").toString()),
                    Map.entry("kdstream.trainer.run.id", run),
                    Map.entry("kdstream.trainer.steps", "1000000000"),
                    Map.entry("kdstream.trainer.checkpoint.every", "200"),
                    Map.entry("kdstream.trainer.checkpoint.dir", dir.resolve("checkpoints").toString()),
                    Map.entry("kdstream.trainer.teacher.fingerprint", teacher),
                    Map.entry("kdstream.trainer.min.examples", "16"),
                    Map.entry("kdstream.evaluator.max.examples", Integer.toString(HELD_OUT)),
                    Map.entry("kdstream.evaluator.group.id", run + "-evaluator")));
            Map<String, Object> client = settings.clientProperties();
            TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
            assertReplicated(client);

            List<Prompt> train = prompts(run, PROMPTS, Split.TRAIN);
            List<Prompt> heldOut = prompts(run + "-test", HELD_OUT, Split.TEST);
            List<TeacherWorker> workers = new ArrayList<>();
            CacheRouter router = new CacheRouter(CacheRouterConfig.from(settings));
            TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
            EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings));
            Row row = new Row();
            try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(settings))) {
                producer.send(heldOut);
                router.start();
                for (int i = 1; i <= 2; i++) {
                    TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), run + "-" + i);
                    workers.add(worker);
                    worker.start();
                }
                trainer.start();
                evaluator.start();
                List<LoopService> services = Stream.<LoopService>concat(workers.stream(), Stream.of(trainer, evaluator)).toList();
                long started = System.nanoTime();
                int sent = 0;
                while (sent < train.size() || row.restartedAt == 0) {
                    long due = Math.min(train.size(), (long) ((System.nanoTime() - started) / 1e9 * PER_SECOND));
                    if (due > sent) {
                        producer.send(train.subList(sent, (int) due));
                        sent = (int) due;
                    }
                    row.observe(workers, evaluator);
                    if (row.stoppedAt == 0 && published(workers) >= PROMPTS / 4) {
                        row.victim = transactionCoordinator(client);
                        row.victimLeads = leaderships(client, row.victim);
                        row.before = published(workers);
                        row.evaluationsBefore = evaluator.published();
                        cluster.stopNode(row.victim);
                        row.stoppedAt = System.nanoTime();
                    }
                    if (row.stoppedAt != 0 && row.restartedAt == 0 && System.nanoTime() - row.stoppedAt > DOWN.toNanos()) {
                        row.whileDown = published(workers) - row.before;
                        row.evaluationsWhileDown = evaluator.published() - row.evaluationsBefore;
                        cluster.restartNode(row.victim);
                        row.restartedAt = System.nanoTime();
                        row.restartMillis = (row.restartedAt - row.stoppedAt) / 1_000_000 - DOWN.toMillis();
                    }
                    assertRunning(router, services);
                    Thread.sleep(20);
                }
                long evaluationsAtRestart = evaluator.published();
                await(Duration.ofSeconds(180), () -> {
                    row.observe(workers, evaluator);
                    return trainer.progress().cachedExamples() >= PROMPTS && published(workers) >= PROMPTS + HELD_OUT
                            && evaluator.published() > evaluationsAtRestart;
                }, router, services);
                await(Duration.ofSeconds(120), () -> fullyReplicated(client) && router.isReady(), router, services);
                row.inSyncMillis = (System.nanoTime() - row.restartedAt) / 1_000_000;
                assertRunning(router, services);
                row.cached = trainer.progress().cachedExamples();
                row.steps = trainer.progress().step();
                row.evaluations = evaluator.published();
            } finally {
                Resources.closeAll("broker-loss test", evaluator, trainer);
                Resources.closeAll("broker-loss test", workers.toArray(AutoCloseable[]::new));
                Resources.closeAll("broker-loss test", router);
            }

            List<String> ids = Stream.concat(train.stream(), heldOut.stream()).map(Prompt::getId).toList();
            Map<String, Long> requests = counts(cluster.bootstrapServers(), TopicCatalogue.TEACHER_REQUESTS.name(), "");
            Map<String, Long> logits = counts(cluster.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(), teacher + "/");
            long lostRequests = ids.stream().filter(id -> !requests.containsKey(id)).count();
            long lostLogits = ids.stream().filter(id -> !logits.containsKey(id)).count();
            long duplicatedRequests = requests.values().stream().mapToLong(n -> n - 1).sum();
            long duplicatedLogits = logits.values().stream().mapToLong(n -> n - 1).sum();
            long deadLettered = TopicSnapshot.read(cluster.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(), new StringDeserializer(),
                    new ByteArrayDeserializer(), 0, Duration.ofSeconds(10)).stream().filter(record -> record.key() != null && record.key().contains(run)).count();
            System.out.printf("broker-loss | 3 nodes, replication 3, min.insync.replicas 2; node %d (transaction coordinator, leader of %d partitions)"
                            + " stopped without controlled shutdown after %d of %d logits, started again %d s later"
                            + " | %d prompts at %.0f/s | in %d | requests out %d, logits out %d | lost %d requests, %d logits"
                            + " | duplicated %d requests, %d logits | dead-lettered %d | logits while down %d, evaluations while down %d"
                            + " | longest stall in the workers' output %d ms, first logits after the stop %d ms"
                            + " | node start %d ms, all partitions in sync %d ms after it | cached %d, steps %d, evaluations %d%n",
                    row.victim, row.victimLeads, row.before, PROMPTS + HELD_OUT, DOWN.toSeconds(), PROMPTS + HELD_OUT, PER_SECOND, ids.size(),
                    requests.size(), logits.size(), lostRequests, lostLogits, duplicatedRequests, duplicatedLogits, deadLettered, row.whileDown,
                    row.evaluationsWhileDown, row.longestStallMillis, row.firstAfterStopMillis, row.restartMillis, row.inSyncMillis,
                    row.cached, row.steps, row.evaluations);

            assertThat(lostRequests).as("prompts without a request").isZero();
            assertThat(lostLogits).as("prompts without logits").isZero();
            assertThat(duplicatedRequests).as("requests seen twice by read_committed readers").isZero();
            assertThat(duplicatedLogits).as("logits records seen twice by read_committed readers").isZero();
            assertThat(deadLettered).as("dead letters of this run").isZero();
            assertThat(row.cached).as("sequences in the trainer's cache").isEqualTo(PROMPTS);
            assertThat(row.whileDown).as("logits committed while the node was down").isPositive();
            assertThat(row.evaluationsWhileDown + row.evaluations - row.evaluationsBefore).as("evaluations after the stop").isPositive();
        }
    }

    /** What the run saw, for the row. */
    private static final class Row {
        int victim;
        int victimLeads;
        long before;
        long whileDown;
        long evaluationsBefore;
        long evaluationsWhileDown;
        long stoppedAt;
        long restartedAt;
        long restartMillis;
        long inSyncMillis;
        long cached;
        long steps;
        long evaluations;
        long lastPublished = -1;
        long lastProgressAt;
        long longestStallMillis;
        long firstAfterStopMillis = -1;

        /** The longest time without a new logits record from the stop on, and the first one after the stop. */
        void observe(List<TeacherWorker> workers, EvaluatorService evaluator) {
            long now = System.nanoTime();
            long published = published(workers);
            if (published != lastPublished) {
                if (stoppedAt != 0 && firstAfterStopMillis < 0 && lastPublished >= 0) {
                    firstAfterStopMillis = (now - stoppedAt) / 1_000_000;
                }
                if (stoppedAt != 0 && lastPublished >= 0) {
                    longestStallMillis = Math.max(longestStallMillis, (now - Math.max(lastProgressAt, stoppedAt)) / 1_000_000);
                }
                lastPublished = published;
                lastProgressAt = now;
            }
        }
    }

    private static long published(List<TeacherWorker> workers) {
        return workers.stream().mapToLong(TeacherWorker::published).sum();
    }

    private static List<Prompt> prompts(String idPrefix, int count, Split split) {
        List<Prompt> prompts = new ArrayList<>();
        for (MathProblemGenerator.MathProblem problem : new MathProblemGenerator(split == Split.TRAIN ? 3 : 4).generate(count, split)) {
            Prompt prompt = MathPrompts.toPrompt(problem, "broker-loss-test");
            prompt.setId(idPrefix + "-" + prompts.size());
            prompts.add(prompt);
        }
        return prompts;
    }

    private static void assertReplicated(Map<String, Object> client) throws Exception {
        try (Admin admin = Admin.create(client)) {
            List<String> names = PIPELINE_TOPICS.stream().map(TopicSpec::name).toList();
            for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get().values()) {
                assertThat(topic.partitions()).allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
            }
            Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get();
            assertThat(configs.values()).allSatisfy(config -> assertThat(config.get("min.insync.replicas").value()).isEqualTo("2"));
        }
    }

    private static int transactionCoordinator(Map<String, Object> client) throws Exception {
        try (Admin admin = Admin.create(client)) {
            return admin.describeTopics(List.of("__transaction_state")).allTopicNames().get().get("__transaction_state")
                    .partitions().get(0).leader().id();
        }
    }

    private static int leaderships(Map<String, Object> client, int node) throws Exception {
        try (Admin admin = Admin.create(client)) {
            return (int) admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values().stream()
                    .flatMap(topic -> topic.partitions().stream())
                    .filter(partition -> partition.leader() != null && partition.leader().id() == node).count();
        }
    }

    private static boolean fullyReplicated(Map<String, Object> client) throws Exception {
        try (Admin admin = Admin.create(client)) {
            return admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values().stream()
                    .flatMap(topic -> topic.partitions().stream()).allMatch(BrokerLossIntegrationTest::inSync);
        }
    }

    private static boolean inSync(TopicPartitionInfo partition) {
        return partition.isr().size() == partition.replicas().size();
    }

    /** How often each prompt id occurs among the committed records of a topic whose keys start with {@code prefix}. */
    private static Map<String, Long> counts(String bootstrap, String topic, String prefix) {
        return TopicSnapshot.read(bootstrap, topic, new StringDeserializer(), new ByteArrayDeserializer(), 0, Duration.ofSeconds(10)).stream()
                .map(record -> record.key()).filter(key -> key != null && key.startsWith(prefix))
                .collect(Collectors.groupingBy(key -> key.substring(prefix.length()), Collectors.counting()));
    }

    private static void assertRunning(CacheRouter router, List<LoopService> services) {
        assertThat(router.isAlive()).as("the router is running").isTrue();
        for (LoopService service : services) {
            assertThat(service.failure()).as(service.name() + "'s failure").isNull();
            assertThat(service.isStopped()).as(service.name() + " stopped").isFalse();
        }
    }

    private static void await(Duration limit, Check done, CacheRouter router, List<LoopService> services) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.met()) {
            assertRunning(router, services);
            assertThat(System.nanoTime()).as("within " + limit).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean met() throws Exception;
    }
}
