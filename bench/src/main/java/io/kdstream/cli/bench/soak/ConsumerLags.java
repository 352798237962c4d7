package io.kdstream.cli.bench.soak;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A consumer group's lag on one topic: the offsets between what the group has committed and the end of each
 * partition, summed. Under transactions the end counts commit markers too, so a caught-up transactional reader may
 * show a few offsets per partition.
 */
final class ConsumerLags implements AutoCloseable {

    private final Admin admin;

    ConsumerLags(Map<String, Object> clientProperties) {
        this.admin = Admin.create(clientProperties);
    }

    /** -1 when the group has committed nothing yet or the broker did not answer within a few seconds. */
    long lag(String group, String topic, int partitions) {
        try {
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            if (committed.isEmpty()) {
                return -1;
            }
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata position = committed.get(end.getKey());
                lag += end.getValue().offset() - (position == null ? 0 : position.offset());
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
