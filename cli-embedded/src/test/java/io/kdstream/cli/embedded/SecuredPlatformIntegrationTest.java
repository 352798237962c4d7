package io.kdstream.cli.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kdstream.cli.security.ServiceAccounts;
import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.embedded.EmbeddedSecurity;
import io.kdstream.platform.kafka.KafkaAccess;
import io.kdstream.platform.kafka.ServiceUser;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.Service;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.cache.LogitCacheStats;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kdstream on the secured embedded platform, each service as its own principal ({@link ServiceAccounts}): what
 * {@code kdstream platform --secure} hands out connects, and a principal is refused where it does not belong, at
 * once and with the principal, the operation and the topic named.
 */
class SecuredPlatformIntegrationTest {

    private static EmbeddedPlatform platform;

    @BeforeAll
    static void start() {
        platform = EmbeddedPlatform.startSecured(KdstreamHome.path(), TopicCatalogue.ALL, ServiceAccounts.USERS);
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private static Map<String, Object> client(ServiceUser user) {
        return new HashMap<>(platform.clientProperties(user.name()));
    }

    @Test
    void shouldHandOutClientPropertiesThatConnectAsEachPrincipal() throws Exception {
        assertThat(platform.users()).containsExactlyElementsOf(ServiceAccounts.USERS);
        for (ServiceUser user : platform.users()) {
            Path file = ClientPropertiesFiles.write(platform, user.name());
            Settings settings = Settings.load(file, Map.of(), Map.of());
            assertThat(settings.asMap()).as(user.name()).containsAllEntriesOf(platform.clientProperties(user.name()));
            // every service checks at start that its topics exist: it may describe them
            TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        }
        Settings ops = Settings.load(ClientPropertiesFiles.write(platform, ServiceAccounts.OPS.name()), Map.of(), Map.of());
        assertThat(LogitCacheStats.read(ops.clientProperties(), new TopicCatalogue(ops.clientProperties()), Duration.ofSeconds(30)).unreadable()).isEmpty();
    }

    @Test
    void shouldShowEachServicePrincipalsPropertiesButNotTheAdmins() throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        ClientPropertiesFiles.printAll(platform, new PrintStream(shown, true, StandardCharsets.UTF_8));

        String text = shown.toString(StandardCharsets.UTF_8);
        for (ServiceUser user : ServiceAccounts.USERS) {
            assertThat(text).contains("# principal User:" + user.name() + ": kdstream ... --config ")
                    .contains("sasl.jaas.config=" + platform.clientProperties(user.name()).get("sasl.jaas.config"));
        }
        String adminLogin = platform.clientProperties(EmbeddedSecurity.ADMIN).get("sasl.jaas.config");
        assertThat(text).doesNotContain(adminLogin.substring(adminLogin.indexOf("password=")));
    }

    @Test
    void shouldRefuseATeacherWritingCheckpointsAndATrainerWritingLogitsOnceNamingWhoAndWhat() {
        assertRefusedWrite(ServiceAccounts.TEACHER_WORKER, TopicCatalogue.CHECKPOINTS.name());
        assertRefusedWrite(ServiceAccounts.TRAINER, TopicCatalogue.TEACHER_LOGITS.name());
        assertRefusedWrite(ServiceAccounts.EVALUATOR, TopicCatalogue.PROMPTS.name());
    }

    @Test
    void shouldRefuseATransactionalIdOutsideThePrincipalsPrefixNamingIt() {
        // the trainer writes without transactions: no transactional id is granted to it
        long started = System.nanoTime();
        assertThatThrownBy(() -> KafkaClients.transactionalProducer(client(ServiceAccounts.TRAINER), "kdstream-teacher-stolen-1", "secured-test"))
                .isInstanceOf(KafkaAccess.RefusedException.class)
                .hasMessageStartingWith("User:" + ServiceAccounts.TRAINER.name() + " may not write transactional id kdstream-teacher-stolen-1: ")
                .hasMessageContaining("its ACLs do not allow it");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("refused-access | User:%s takes transactional id kdstream-teacher-stolen-1 | refused after %d ms%n",
                ServiceAccounts.TRAINER.name(), took.toMillis());
        assertThat(took).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void shouldStopAProducerRunWithAnotherServicesCredentialsNamingWhoAndWhat() {
        Settings asTrainer = Settings.of(platform.clientProperties(ServiceAccounts.TRAINER.name()));
        Prompt prompt = Prompt.newBuilder().setId("secured-1").setDataset("math").setSplit(Split.TRAIN).setPrompt("1+1=")
                .setResponse("2 #### 2").setSource("test").setCreatedAt(Instant.now()).build();
        try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(asTrainer))) {
            assertThatThrownBy(() -> producer.send(List.of(prompt)))
                    .hasMessageContaining("User:" + ServiceAccounts.TRAINER.name() + " may not write topic " + TopicCatalogue.PROMPTS.name());
        }
    }

    private static void assertRefusedWrite(ServiceUser user, String topic) {
        long started = System.nanoTime();
        try (var producer = new KafkaProducer<>(client(user), new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> KafkaClients.sendAndWait(producer, new ProducerRecord<>(topic, "k", "v"), client(user)))
                    .isInstanceOf(KafkaAccess.RefusedException.class)
                    .hasMessageStartingWith("User:" + user.name() + " may not write topic " + topic + ": ")
                    .hasMessageContaining("its ACLs do not allow it");
        }
        // refused at the first answer, not retried until a timeout
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("refused-access | User:%s writes %s | refused after %d ms (producer created, record sent, refusal described)%n",
                user.name(), topic, took.toMillis());
        assertThat(took).as(user.name()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void shouldSayAClientWithoutCredentialsConnectsAnonymouslyWhenTheClusterDropsIt() {
        Map<String, Object> anonymous = Map.of("bootstrap.servers", platform.clientProperties(ServiceAccounts.OPS.name()).get("bootstrap.servers"));
        assertThatThrownBy(() -> TopicAdmin.ensureTopics(anonymous, TopicCatalogue.ALL))
                .hasMessageContaining("connecting as User:ANONYMOUS (no SASL login configured) over PLAINTEXT")
                .hasMessageContaining("set security.protocol, sasl.mechanism and sasl.jaas.config");
    }

    @Test
    void shouldStopAServiceRefusedAReadOnceNamingWhoWhatAndWhichTopic(@TempDir Path dir) throws Exception {
        // a trainer run with the teacher worker's credentials: that principal writes kd.teacher.logits but may not
        // read it, and the trainer reads it first thing
        Map<String, String> asTeacher = new HashMap<>(platform.clientProperties(ServiceAccounts.TEACHER_WORKER.name()));
        asTeacher.put("kdstream.trainer.checkpoint.dir", dir.toString());
        asTeacher.put("kdstream.trainer.run.id", "secured-refused-read");
        TrainerService trainer = new TrainerService(TrainerConfig.from(Settings.of(asTeacher)));
        Stopped stopped = runUntilStopped(trainer, TrainerService.class, () -> !trainer.isStopped(), Duration.ofSeconds(30));
        System.out.printf("refused-access | trainer run as User:%s reads %s | stopped after %d ms | error lines %d | %s%n",
                ServiceAccounts.TEACHER_WORKER.name(), TopicCatalogue.TEACHER_LOGITS.name(), stopped.took().toMillis(), stopped.errors().size(),
                trainer.failure() == null ? "no failure" : trainer.failure().getMessage());
        assertThat(trainer.failure()).isInstanceOf(KafkaAccess.RefusedException.class)
                .hasMessageStartingWith("User:" + ServiceAccounts.TEACHER_WORKER.name() + " may not read topic " + TopicCatalogue.TEACHER_LOGITS.name() + ": ")
                .hasMessageContaining("its ACLs do not allow it");
        assertThat(stopped.took()).as("refused at the first answer").isLessThan(Duration.ofSeconds(20));
        assertThat(stopped.errors()).as("said once").singleElement().asString().contains("may not read topic " + TopicCatalogue.TEACHER_LOGITS.name());
    }

    @Test
    void shouldStopAKafkaStreamsServiceRefusedItsInputOnceNamingWho() throws Exception {
        // the cache router run with the producer's credentials: that principal writes kd.prompts but may not read it
        // nor join the router's group, and Kafka Streams meets the refusal in one of its own clients
        Map<String, String> asProducer = new HashMap<>(platform.clientProperties(ServiceAccounts.PRODUCER.name()));
        asProducer.put("kdstream.router.teacher.fingerprint", "secured-refused-router");
        CacheRouter router = new CacheRouter(CacheRouterConfig.from(Settings.of(asProducer)));
        Stopped stopped = runUntilStopped(router, CacheRouter.class, router::isAlive, Duration.ofSeconds(60));
        System.out.printf("refused-access | router run as User:%s | stopped after %d ms | error lines %d | %s%n",
                ServiceAccounts.PRODUCER.name(), stopped.took().toMillis(), stopped.errors().size(),
                router.failure() == null ? "no failure" : router.failure().getMessage());
        assertThat(router.failure()).isInstanceOf(KafkaAccess.RefusedException.class)
                .hasMessageStartingWith("User:" + ServiceAccounts.PRODUCER.name() + " may not read")
                .hasMessageContaining("its ACLs do not allow it");
        assertThat(stopped.errors()).as("said once").singleElement().asString().contains("User:" + ServiceAccounts.PRODUCER.name() + " may not read");
    }

    /** How long a service ran until it stopped (or the limit), and the ERROR lines its class logged meanwhile. */
    private record Stopped(Duration took, List<String> errors) {
    }

    private static Stopped runUntilStopped(Service service, Class<?> logSource, BooleanSupplier running, Duration limit) throws InterruptedException {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger serviceLog = (Logger) LoggerFactory.getLogger(logSource);
        serviceLog.addAppender(logged);
        logged.start();
        long started = System.nanoTime();
        try {
            service.start();
            while (running.getAsBoolean() && System.nanoTime() - started < limit.toNanos()) {
                Thread.sleep(100);
            }
        } finally {
            service.close();
            serviceLog.detachAppender(logged);
        }
        return new Stopped(Duration.ofNanos(System.nanoTime() - started), logged.list.stream()
                .filter(event -> event.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void shouldStopAServiceWithAWrongPasswordAtStartNamingTheUser(@TempDir Path dir) throws Exception {
        Map<String, String> wrong = new HashMap<>(platform.clientProperties(ServiceAccounts.TRAINER.name()));
        wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + ServiceAccounts.TRAINER.name() + "\" password=\"not-the-password\";");
        wrong.put("kdstream.trainer.checkpoint.dir", dir.toString());
        wrong.put("kdstream.trainer.run.id", "secured-wrong-password");
        TrainerService trainer = new TrainerService(TrainerConfig.from(Settings.of(wrong)));
        runUntilStopped(trainer, TrainerService.class, () -> !trainer.isStopped(), Duration.ofSeconds(30));
        assertThat(trainer.failure()).isInstanceOf(KafkaAccess.RefusedException.class)
                .hasMessageContaining("refused the credentials of User:" + ServiceAccounts.TRAINER.name() + " (SCRAM-SHA-512)")
                .hasMessageNotContaining("not-the-password");
    }
}
