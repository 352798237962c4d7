package io.kdstream.trainer.cache;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayOrderTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TopicPartition P2 = new TopicPartition("t", 2);
    private static final List<TopicPartition> PARTITIONS = List.of(P0, P1, P2);
    /** Offsets each partition holds (partition 2 has compacted gaps and starts late). */
    private static final Map<TopicPartition, List<Long>> OFFSETS = Map.of(
            P0, range(0, 700, 1), P1, range(0, 300, 1), P2, range(200, 1000, 3));

    @Test
    void shouldGiveTheSameOrderHoweverTheFetchesInterleave() {
        List<String> first = replay(new Random(1));
        for (int seed = 2; seed < 20; seed++) {
            assertThat(replay(new Random(seed))).as("interleaving %d", seed).containsExactlyElementsOf(first);
        }
        int total = OFFSETS.values().stream().mapToInt(List::size).sum();
        assertThat(first).hasSize(total).doesNotHaveDuplicates();
        // window 0 (offsets 0-255) of every partition first, in partition order
        assertThat(first.subList(0, 3)).containsExactly("0@0", "0@1", "0@2");
        assertThat(first.get(256)).isEqualTo("1@0");
        assertThat(first.get(512)).isEqualTo("2@200");
    }

    @Test
    void shouldHoldAWindowUntilEveryPartitionIsFetchedPastItAndReportWhereReleasedRecordsEnd() {
        ReplayOrder<byte[]> order = new ReplayOrder<>(PARTITIONS);
        Map<TopicPartition, Long> ends = Map.of(P0, 700L, P1, 300L, P2, 1000L);
        Map<TopicPartition, Long> fetched = new HashMap<>(Map.of(P0, 300L, P1, 0L, P2, 200L));
        order.add(records(P0, range(0, 300, 1)));

        assertThat(order.release(fetched::get, ends)).as("partitions 1 and 2 may still bring window 0").isEmpty();
        assertThat(order.releasedUpTo(fetched::get)).containsEntry(0, 0L).containsEntry(1, 0L).containsEntry(2, 200L);

        fetched.put(P1, 300L); // partition 1 fetched to its end, with nothing in it below 300 for this test
        fetched.put(P2, 260L);
        List<ConsumerRecord<byte[], byte[]>> released = order.release(fetched::get, ends);
        assertThat(released).hasSize(256).allMatch(record -> record.partition() == 0 && record.offset() < 256);
        assertThat(order.releasedUpTo(fetched::get)).containsEntry(0, 256L).containsEntry(1, 300L).containsEntry(2, 260L);
    }

    /** Every record fetched in random chunks per partition, released as soon as the order allows. */
    private static List<String> replay(Random random) {
        ReplayOrder<byte[]> order = new ReplayOrder<>(PARTITIONS);
        Map<TopicPartition, Long> ends = Map.of(P0, 700L, P1, 300L, P2, 1000L);
        Map<TopicPartition, Integer> next = new HashMap<>(Map.of(P0, 0, P1, 0, P2, 0));
        Map<TopicPartition, Long> fetched = new HashMap<>(Map.of(P0, 0L, P1, 0L, P2, 200L));
        List<String> filed = new ArrayList<>();
        while (next.entrySet().stream().anyMatch(e -> e.getValue() < OFFSETS.get(e.getKey()).size())) {
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> poll = new HashMap<>();
            for (TopicPartition partition : PARTITIONS) {
                List<Long> offsets = OFFSETS.get(partition);
                int from = next.get(partition);
                int to = Math.min(offsets.size(), from + random.nextInt(120));
                if (to > from) {
                    poll.put(partition, records(partition, offsets.subList(from, to)).records(partition));
                    next.put(partition, to);
                    fetched.put(partition, to == offsets.size() ? ends.get(partition) : offsets.get(to));
                }
            }
            order.add(new ConsumerRecords<>(poll, Map.of()));
            order.release(fetched::get, ends).forEach(record -> filed.add(record.partition() + "@" + record.offset()));
        }
        return filed;
    }

    private static ConsumerRecords<byte[], byte[]> records(TopicPartition partition, List<Long> offsets) {
        List<ConsumerRecord<byte[], byte[]>> records = offsets.stream()
                .map(offset -> new ConsumerRecord<byte[], byte[]>(partition.topic(), partition.partition(), offset, new byte[0], new byte[0]))
                .toList();
        Map<TopicPartition, OffsetAndMetadata> nextOffsets = Map.of();
        return new ConsumerRecords<>(Map.of(partition, records), nextOffsets);
    }

    private static List<Long> range(long from, long to, long step) {
        List<Long> offsets = new ArrayList<>();
        for (long offset = from; offset < to; offset += step) {
            offsets.add(offset);
        }
        return offsets;
    }
}
