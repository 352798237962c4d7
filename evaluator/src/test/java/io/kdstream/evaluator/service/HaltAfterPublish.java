package io.kdstream.evaluator.service;

import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;

/**
 * A Kafka client interceptor ({@code interceptor.classes}) that halts the JVM, as SIGKILL would, the moment the broker
 * acknowledges the Nth evaluation this process wrote to {@code kd.evals} ({@link #AFTER}): the evaluation is in the
 * log, and whatever the evaluator does after the write (commit its offset, commit its transaction) has not been done.
 * It runs in the producer's network thread, before the send's future completes, so nothing else of the client runs
 * after it. Client properties reach every client of the service, so it is a consumer interceptor too, doing nothing.
 */
public final class HaltAfterPublish implements ProducerInterceptor<Object, Object>, ConsumerInterceptor<Object, Object> {

    /** The client property that says after which evaluation (1 = the first) to halt. */
    public static final String AFTER = "halt.after.evaluations";
    /** The exit status of a halt here, unlike any the JVM gives itself. */
    public static final int STATUS = 86;

    private int after = Integer.MAX_VALUE;
    private int acknowledged;

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(AFTER);
        if (value != null) {
            after = Integer.parseInt(value.toString());
        }
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (exception == null && metadata != null && metadata.topic().equals(TopicCatalogue.EVALS.name()) && ++acknowledged == after) {
            System.out.println("halting: evaluation " + acknowledged + " acknowledged at " + metadata.topic() + "-" + metadata.partition()
                    + "@" + metadata.offset() + ", before it was committed");
            System.out.flush();
            Runtime.getRuntime().halt(STATUS);
        }
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
