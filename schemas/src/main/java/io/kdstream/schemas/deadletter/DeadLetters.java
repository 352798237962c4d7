package io.kdstream.schemas.deadletter;

import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.registry.RegistryWait;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.topics.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Publishes records a service cannot process to {@code kd.deadletter}, with where they came from and why.
 * Sends wait for the broker's acknowledgement: a dead letter that is not stored would be a silent drop.
 *
 * <p>A service that reads its input again from the beginning (the trainer rebuilding its cache by replay) meets its
 * bad records again; {@link #remembering} sends each such record once per reason rather than once per replay.
 */
public final class DeadLetters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String service;
    private final Topic<byte[], DeadLetter> topic;
    private final KafkaProducer<byte[], DeadLetter> producer;
    private final Map<String, Object> clientProperties;
    /** The Kafka records this service has dead-lettered, by {@link #sourceAndReason}; null when it sends every one. */
    private final Set<String> sent;

    public DeadLetters(String service, Map<String, Object> clientProperties, Topic<byte[], DeadLetter> topic) {
        this(service, clientProperties, topic, null);
    }

    private DeadLetters(String service, Map<String, Object> clientProperties, Topic<byte[], DeadLetter> topic, Set<String> sent) {
        this.service = service;
        this.topic = topic;
        this.producer = KafkaClients.producer(clientProperties, topic, service + "-deadletter");
        this.clientProperties = clientProperties;
        this.sent = sent;
    }

    /**
     * Dead letters that do not repeat themselves: a Kafka record this service has dead-lettered before, with the same
     * topic, partition, offset and bytes and for the same reason (error type and message), is not sent again. What it sent
     * before is read back from the dead-letter topic here, once, so this holds across restarts for as long as the
     * topic keeps the letters. The same record failing for another reason (after a change of settings, say) is sent.
     * A letter whose schema cannot be fetched because the registry is away is waited for ({@code registryWait}): taken
     * for no letter, it would be sent again.
     */
    public static DeadLetters remembering(String service, Map<String, Object> clientProperties, Topic<byte[], DeadLetter> topic,
                                          RegistryWait registryWait) throws InterruptedException {
        Set<String> sent = new HashSet<>();
        Deserializer<DeadLetter> letters = topic.valueSerde().deserializer(); // the topic's own: not closed here
        try (TopicReader<byte[]> reader = TopicReader.raw(clientProperties, topic.name(), service + "-deadletter-reader")) {
            while (true) {
                try {
                    reader.readToEnd(record -> remember(service, topic, letters, record, sent));
                    break;
                } catch (RegistryUnavailableException outage) {
                    registryWait.outage(outage, 1); // the reader stays at that letter
                    registryWait.awaitOver(() -> false);
                }
            }
        }
        log.info("{}: {} records in {} were dead-lettered by this service; they are not sent again", service, sent.size(), topic.name());
        return new DeadLetters(service, clientProperties, topic, sent);
    }

    private static void remember(String service, Topic<byte[], DeadLetter> topic, Deserializer<DeadLetter> letters,
                                 ConsumerRecord<byte[], byte[]> record, Set<String> sent) {
        try {
            DeadLetter letter = letters.deserialize(topic.name(), record.headers(), record.value());
            if (letter != null && service.equals(letter.getService()) && letter.getSourceTopic() != null) {
                sent.add(sourceAndReason(letter));
            }
        } catch (RuntimeException e) {
            Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(e);
            if (outage.isPresent()) {
                throw outage.get();
            }
            // another writer's record that is no dead letter: it names no record of ours
            log.warn("{}: record {}-{}@{} of {} is not a dead letter, ignored: {}", service, record.topic(),
                    record.partition(), record.offset(), topic.name(), e.getMessage());
        }
    }

    /**
     * The dead letter of a record that could not be processed, as a record for a transactional producer of bytes: sent
     * in the transaction that commits the source record's offset, it is stored exactly once with it (a transactional
     * service needs no memory of what it sent). Logged as {@link #publish} logs a letter.
     */
    public static ProducerRecord<byte[], byte[]> inTransaction(String service, ConsumerRecord<byte[], byte[]> record, Throwable error,
                                                               Topic<byte[], DeadLetter> topic) {
        DeadLetter letter = ofKafkaRecord(service, record.topic(), record.partition(), record.offset(), record.key(), record.value(), error);
        log.warn("{}: record {}-{}@{} sent to {}: {}", service, record.topic(), record.partition(), record.offset(), topic.name(), letter.getErrorMessage());
        return new ProducerRecord<>(topic.name(), record.key(), topic.valueSerde().serializer().serialize(topic.name(), letter));
    }

    /** A Kafka record that could not be processed. */
    public void publish(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        publish(record, record.value(), error);
    }

    /** A Kafka record that could not be processed, whose value its reader holds in another form than bytes. */
    public void publish(ConsumerRecord<byte[], ?> record, byte[] value, Throwable error) {
        DeadLetter letter = ofKafkaRecord(service, record.topic(), record.partition(), record.offset(), record.key(), value, error);
        String remembered = sent == null ? null : sourceAndReason(letter);
        if (remembered != null && !sent.add(remembered)) {
            log.info("{}: record {}-{}@{} is already in {} for this reason, not sent again: {}", service, record.topic(),
                    record.partition(), record.offset(), topic.name(), letter.getErrorMessage());
            return;
        }
        log.warn("{}: record {}-{}@{} sent to {}: {}", service, record.topic(), record.partition(), record.offset(), topic.name(), letter.getErrorMessage());
        try {
            send(record.key(), letter);
        } catch (RuntimeException e) {
            if (remembered != null) {
                sent.remove(remembered); // not stored: the next attempt must send it
            }
            throw e;
        }
    }

    /**
     * What makes two letters the same: the source record's place and bytes (the trainer sends each chunk of a chunked
     * sequence under the sequence's offset, so the place alone does not tell them apart) and the reason.
     */
    private static String sourceAndReason(DeadLetter letter) {
        CRC32C value = new CRC32C();
        if (letter.getValue() != null) {
            value.update(letter.getValue().duplicate());
        }
        return letter.getSourceTopic() + "-" + letter.getSourcePartition() + "@" + letter.getSourceOffset() + " "
                + (letter.getValue() == null ? "null" : value.getValue()) + " " + letter.getErrorType() + ": "
                + letter.getErrorMessage();
    }

    /** The dead letter of a Kafka record, for services that send it themselves (in a transaction, from Streams). */
    public static DeadLetter ofKafkaRecord(String service, String sourceTopic, int partition, long offset, byte[] key, byte[] value, Throwable error) {
        return base(service, error)
                .setSourceTopic(sourceTopic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(wrap(key))
                .setValue(wrap(value))
                .build();
    }

    /** A line of an input file that could not be used. */
    public void publishLine(String file, long lineNumber, byte[] line, Throwable error) {
        DeadLetter letter = base(service, error)
                .setSourceFile(file)
                .setSourceLine(lineNumber)
                .setValue(wrap(line))
                .build();
        send((file + ":" + lineNumber).getBytes(StandardCharsets.UTF_8), letter);
    }

    private static DeadLetter.Builder base(String service, Throwable error) {
        return DeadLetter.newBuilder()
                .setService(service)
                .setErrorType(error.getClass().getName())
                .setErrorMessage(String.valueOf(error.getMessage()))
                .setCreatedAt(Instant.now());
    }

    private void send(byte[] key, DeadLetter letter) {
        KafkaClients.sendAndWait(producer, new ProducerRecord<>(topic.name(), key, letter), clientProperties);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    @Override
    public void close() {
        producer.close();
    }
}
