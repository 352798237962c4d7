package io.kdstream.teacher.router;

import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The router's topology without a broker or a registry process (the Avro serdes use an in-memory registry). */
class CacheRouterTopologyTest {

    private static final String REGISTRY = "mock://cache-router-topology";

    private static final String TEACHER = "teacher-a";

    private TopologyTestDriver driver;
    private TestInputTopic<String, Prompt> prompts;
    private TestInputTopic<String, byte[]> logits;
    private TestInputTopic<byte[], byte[]> rawPrompts;
    private TestOutputTopic<String, Prompt> requests;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    private TopicCatalogue catalogue;

    @BeforeEach
    void startDriver(@TempDir Path stateDir) {
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", "unused:9092",
                "schema.registry.url", REGISTRY,
                "state.dir", stateDir.toString(),
                "kdstream.router.teacher.fingerprint", TEACHER));
        CacheRouterConfig config = CacheRouterConfig.from(settings);
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        catalogue = new TopicCatalogue(config.streamsProperties());
        driver = new TopologyTestDriver(CacheRouterTopology.build(TEACHER, catalogue), props);
        prompts = driver.createInputTopic(TopicCatalogue.PROMPTS.name(), new StringSerializer(), catalogue.prompts().valueSerde().serializer());
        rawPrompts = driver.createInputTopic(TopicCatalogue.PROMPTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        logits = driver.createInputTopic(TopicCatalogue.TEACHER_LOGITS.name(), new StringSerializer(), new ByteArraySerializer());
        requests = driver.createOutputTopic(TopicCatalogue.TEACHER_REQUESTS.name(), new StringDeserializer(), catalogue.teacherRequests().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(TopicCatalogue.DEAD_LETTER.name(), new ByteArrayDeserializer(), catalogue.deadLetter().valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private static Prompt prompt(String id) {
        return Prompt.newBuilder().setId(id).setDataset("math").setSplit(Split.TRAIN).setPrompt("What is 1+1?").setResponse("2 #### 2")
                .setSource("test").setCreatedAt(Instant.now()).build();
    }

    private void cache(String teacher, String promptId) {
        logits.pipeInput(LogitsKey.of(teacher, promptId), new byte[] {0, 0, 0, 0, 1});
    }

    @Test
    void shouldRequestPromptsThatAreNotCached() {
        prompts.pipeInput("p1", prompt("p1"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
    }

    @Test
    void shouldSkipPromptsThisTeacherHasCached() {
        cache(TEACHER, "p1");
        prompts.pipeInput("p1", prompt("p1"));
        prompts.pipeInput("p2", prompt("p2"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p2");
    }

    @Test
    void shouldRequestAPromptOnceWhenItIsSentAgainBeforeItIsCached() {
        prompts.pipeInput("p1", prompt("p1"));
        prompts.pipeInput("p1", prompt("p1"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
    }

    @Test
    void shouldRequestPromptsCachedOnlyByAnotherTeacher() {
        cache("teacher-b", "p1");
        prompts.pipeInput("p1", prompt("p1"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
    }

    @Test
    void shouldRequestAgainOnceTheCacheEntryIsPruned() {
        cache(TEACHER, "p1");
        prompts.pipeInput("p1", prompt("p1"));
        logits.pipeInput(LogitsKey.of(TEACHER, "p1"), (byte[]) null);
        prompts.pipeInput("p1", prompt("p1"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
    }

    @Test
    void shouldGoOnAfterAnUndecodablePrompt() {
        rawPrompts.pipeInput("bad".getBytes(), "{not avro}".getBytes());
        prompts.pipeInput("p2", prompt("p2"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p2");
    }

    @Test
    void shouldDeadLetterAPromptWithoutAKey() {
        prompts.pipeInput(null, prompt("p1"));
        prompts.pipeInput("p2", prompt("p2"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p2");
        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getSourceTopic()).isEqualTo(TopicCatalogue.PROMPTS.name());
        assertThat(letter.getErrorMessage()).contains("prompt p1 has no key");
        assertThat(letter.getKey()).isNull();
        assertThat(catalogue.prompts().valueSerde().deserializer().deserialize(TopicCatalogue.PROMPTS.name(), bytes(letter.getValue())).getId())
                .isEqualTo("p1");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAPromptWhoseKeyIsNotItsId() {
        // what Confluent's AvroProducer sends as the key: the id as an Avro string in the wire format (magic byte 0,
        // schema id 7, length 4 as a zig-zag varint, "p1")
        byte[] framedKey = {0, 0, 0, 0, 7, 4, 'p', '1'};
        rawPrompts.pipeInput(framedKey, catalogue.prompts().valueSerde().serializer().serialize(TopicCatalogue.PROMPTS.name(), prompt("p1")));
        prompts.pipeInput("p3", prompt("p4"));
        prompts.pipeInput("p1", prompt("p1"));

        assertThat(requests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p1");
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getErrorMessage).satisfiesExactly(
                message -> assertThat(message).contains("prompt p1 came under key \"\\u0000\\u0000\\u0000\\u0000\\u0007\\u0004p1\"")
                        .contains("not its id"),
                message -> assertThat(message).contains("prompt p4 came under key \"p3\""));
        assertThat(bytes(letters.get(0).getKey())).isEqualTo(framedKey);
        assertThat(letters.get(0).getErrorType()).isEqualTo(PromptKeyException.class.getName());
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void shouldTurnAnUndecodableRecordIntoADeadLetterForStreamsToWrite() {
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();
        handler.configure(Map.of("schema.registry.url", REGISTRY, "application.id", "kdstream-router-test"));
        ConsumerRecord<byte[], byte[]> bad = new ConsumerRecord<>(TopicCatalogue.PROMPTS.name(), 2, 41L, "bad".getBytes(), "{not avro}".getBytes());

        DeserializationExceptionHandler.Response response = handler.handleError(null, bad, new IllegalArgumentException("magic byte is 123"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> record = response.deadLetterQueueRecords().get(0);
        assertThat(record.topic()).isEqualTo(TopicCatalogue.DEAD_LETTER.name());
        DeadLetter letter = catalogue.deadLetter().valueSerde().deserializer().deserialize(record.topic(), record.value());
        assertThat(letter.getSourceTopic()).isEqualTo(TopicCatalogue.PROMPTS.name());
        assertThat(letter.getSourcePartition()).isEqualTo(2);
        assertThat(letter.getSourceOffset()).isEqualTo(41L);
        assertThat(letter.getService()).isEqualTo("kdstream-router-test");
        assertThat(letter.getErrorMessage()).contains("magic byte is 123");
        assertThat(new String(letter.getValue().array())).isEqualTo("{not avro}");
    }
}
