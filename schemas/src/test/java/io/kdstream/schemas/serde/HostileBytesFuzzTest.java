package io.kdstream.schemas.serde;

import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.EncodedTopK;
import io.kdstream.schemas.logits.SampledSequence;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fuzz loop, bounded in time, over what the services decode from every topic they read: a good value of the topic,
 * mutated at random (bits flipped, bytes overwritten, cut, inserted, a varint of any size written over the body), is
 * read by the topic's deserializer and, for teacher logits, decoded to a sequence as the trainer does. Each value must
 * either decode or be refused with the exception the services dead-letter ({@link SerializationException} from the
 * deserializer, {@link IllegalArgumentException} naming the record from the logit decoder), and no value may make the
 * reader allocate more than a bound proportional to its size: a claimed length or count is checked against the bytes
 * that are there before anything is built. The services' integration tests ({@code HostileInputIntegrationTest})
 * show that what is refused here lands in {@code kd.deadletter} and that the next good record goes through.
 */
class HostileBytesFuzzTest {

    /** Each target's share of the test run; the values a run tries depend on the machine's speed, their sequence on the seed. */
    private static final long BUDGET_NANOS = 1_500_000_000L;
    private static final long SEED = 19;
    /** Allowed allocation per value: the reader's fixed cost (buffers, a resolving decoder) plus a multiple of the value's bytes. */
    private static final long FIXED_ALLOCATION = 512 * 1024;
    private static final long ALLOCATION_PER_BYTE = 256;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One topic's reader, a good value of it, and what its service does with a decoded record. */
    private record Target(String name, String topic, Deserializer<?> deserializer, byte[] good, RecordUse use) {
        @Override
        public String toString() {
            return name;
        }
    }

    private interface RecordUse {
        void apply(Object record);
    }

    private static final RecordUse READ_ONLY = record -> { };
    /** The trainer decodes a whole-sequence record's top-K fields; chunks wait for their siblings (ChunkAssembler) first. */
    private static final RecordUse DECODE_LOGITS = record -> {
        TeacherLogits logits = (TeacherLogits) record;
        if (logits.getChunkCount() == 1) {
            SequenceLogits.decode(logits);
        }
    };

    static Stream<Target> targets() {
        TopicCatalogue catalogue = new TopicCatalogue(Map.of("schema.registry.url", "mock://hostile-bytes-fuzz"));
        String prompts = TopicCatalogue.PROMPTS.name();
        String requests = TopicCatalogue.TEACHER_REQUESTS.name();
        String logits = TopicCatalogue.TEACHER_LOGITS.name();
        String checkpoints = TopicCatalogue.CHECKPOINTS.name();
        String evals = TopicCatalogue.EVALS.name();
        List<Target> targets = new ArrayList<>();
        Random random = new Random(SEED);
        targets.add(new Target("kd.prompts (router)", prompts, catalogue.prompts().valueSerde().deserializer(),
                generic(catalogue, prompts, Prompt.getClassSchema(), random), READ_ONLY));
        targets.add(new Target("kd.teacher.requests (teacher worker)", requests, catalogue.teacherRequests().valueSerde().deserializer(),
                generic(catalogue, requests, Prompt.getClassSchema(), random), READ_ONLY));
        targets.add(new Target("kd.checkpoints (evaluator)", checkpoints, catalogue.checkpoints().valueSerde().deserializer(),
                generic(catalogue, checkpoints, CheckpointEvent.getClassSchema(), random), READ_ONLY));
        targets.add(new Target("kd.evals (leaderboard)", evals, catalogue.evals().valueSerde().deserializer(),
                generic(catalogue, evals, EvalResult.getClassSchema(), random), READ_ONLY));
        TopKSequence topK = topK(random, 6, 16, 151_936);
        SampledSequence sampled = sampled(random, 6, 8, 64, 151_936);
        Map<String, EncodedTopK> encodings = new TreeMap<>();
        for (TopKEncoding encoding : TopKEncoding.values()) {
            encodings.put(encoding.name(), encoding.encode(topK, 0, 6));
        }
        encodings.put("SAMPLED", sampled.encode(0, 6));
        for (Map.Entry<String, EncodedTopK> encoding : encodings.entrySet()) {
            TeacherLogits record = encoding.getValue().applyTo(TeacherLogits.newBuilder())
                    .setPromptId("fuzz").setDataset("math").setSplit(Split.TRAIN).setTeacher(new TeacherIdentity("m", "1", "teacher-f"))
                    .setTokenizerFingerprint("tok").setTokenIds(IntStream.range(0, 7).boxed().toList())
                    .setLossMask(SequenceLogits.encodeMask(new float[] {0, 0, 1, 1, 1, 1}))
                    .setK(encoding.getKey().equals("SAMPLED") ? sampled.k() : topK.k()).setPositions(6)
                    .setValueKind(ValueKind.LOG_PROBS).setCreatedAt(Instant.EPOCH).build();
            targets.add(new Target("kd.teacher.logits " + encoding.getKey() + " (trainer)", logits, catalogue.teacherLogits().valueSerde().deserializer(),
                    catalogue.teacherLogits().valueSerde().serializer().serialize(logits, record), DECODE_LOGITS));
        }
        return targets.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void shouldDecodeOrRefuseEveryMutatedValueWithinBoundedMemory(Target target) {
        use(target, target.good());
        Random random = new Random(SEED ^ target.name().hashCode());
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int tried = 0;
        while (System.nanoTime() < deadline && wrong.size() < 5) {
            byte[] value = mutate(target.good(), random);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            String outcome = outcome(target, value, wrong);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (allocated > FIXED_ALLOCATION + ALLOCATION_PER_BYTE * value.length) {
                wrong.add(String.format("%d bytes allocated reading a value of %d bytes (%s): %s", allocated, value.length, outcome, hex(value)));
            }
            outcomes.merge(outcome, 1, Integer::sum);
            tried++;
        }
        System.out.printf("hostile-fuzz | %s | %d mutated values in %.1f s | %s%n", target.name(), tried, BUDGET_NANOS / 1e9, outcomes);

        assertThat(wrong).as(target.name()).isEmpty();
        assertThat(tried).as("values tried").isGreaterThan(100);
        assertThat(outcomes).as("the mutations reach both the decoder's refusals and values it still reads").containsKeys("refused", "decoded");
    }

    /** "decoded", "refused", or a description of a failure the services would not dead-letter (also added to {@code wrong}). */
    private static String outcome(Target target, byte[] value, List<String> wrong) {
        try {
            use(target, value);
            return "decoded";
        } catch (SerializationException e) {
            return e.getMessage().contains(target.topic()) ? "refused" : fail(wrong, "a refusal that does not name the topic: " + e.getMessage(), value);
        } catch (IllegalArgumentException e) {
            return target.use() == DECODE_LOGITS && e.getMessage().startsWith("record of prompt ") ? "refused"
                    : fail(wrong, "IllegalArgumentException " + e.getMessage(), value);
        } catch (Throwable e) {
            return fail(wrong, e.toString(), value);
        }
    }

    private static String fail(List<String> wrong, String what, byte[] value) {
        wrong.add(what + " reading " + hex(value));
        return "wrong";
    }

    private static void use(Target target, byte[] value) {
        target.use().apply(target.deserializer().deserialize(target.topic(), value));
    }

    /** One to three random edits of the good value. */
    static byte[] mutate(byte[] good, Random random) {
        byte[] value = good.clone();
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = value.length == 0 ? 0 : random.nextInt(value.length);
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (value.length > 0) {
                        value[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (value.length > 0) {
                        value[at] = (byte) new int[] {0, 0xFF, 0x7F, 0x80, 0x01, random.nextInt(256)}[random.nextInt(6)];
                    }
                }
                case 2 -> value = Arrays.copyOf(value, at);
                case 3 -> {
                    byte[] inserted = new byte[1 + random.nextInt(8)];
                    random.nextBytes(inserted);
                    value = splice(value, at, 0, inserted);
                }
                case 4 -> value = splice(value, at, Math.min(value.length - at, 1 + random.nextInt(5)), varint(random));
                default -> {
                    int from = random.nextInt(Math.max(1, value.length));
                    value = splice(value, at, 0, Arrays.copyOfRange(value, from, Math.min(value.length, from + 1 + random.nextInt(16))));
                }
            }
        }
        return value;
    }

    /** An Avro varint (zig-zag) of a random size: small, near a power of two, or huge, positive or negative. */
    private static byte[] varint(Random random) {
        long n = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(64);
            case 1 -> (1L << random.nextInt(63)) + random.nextInt(3) - 1;
            case 2 -> -(1L << random.nextInt(63));
            default -> random.nextLong();
        };
        long zigZag = (n << 1) ^ (n >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((zigZag & ~0x7FL) != 0) {
            out.write((int) ((zigZag & 0x7F) | 0x80));
            zigZag >>>= 7;
        }
        out.write((int) zigZag);
        return out.toByteArray();
    }

    private static byte[] splice(byte[] value, int at, int removed, byte[] inserted) {
        byte[] out = new byte[value.length - removed + inserted.length];
        System.arraycopy(value, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(value, at + removed, out, at + inserted.length, value.length - at - removed);
        return out;
    }

    private static String hex(byte[] value) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(value.length, 96); i++) {
            text.append(String.format("%02x", value[i]));
        }
        return text + (value.length > 96 ? "... (" + value.length + " bytes)" : "");
    }

    /** A record of {@code schema} with random field values, in the topic's wire format. */
    private static byte[] generic(TopicCatalogue catalogue, String topic, Schema schema, Random random) {
        return new AvroSerializer<GenericData.Record>(catalogue.registry(), false).serialize(topic, (GenericData.Record) randomValue(schema, random));
    }

    private static Object randomValue(Schema schema, Random random) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                schema.getFields().forEach(field -> record.put(field.pos(), randomValue(field.schema(), random)));
                yield record;
            }
            case UNION -> randomValue(schema.getTypes().get(random.nextInt(schema.getTypes().size())), random);
            case STRING -> "v" + Integer.toString(random.nextInt(1 << 20), 36);
            case BYTES -> ByteBuffer.wrap(bytes(random, random.nextInt(12)));
            case FIXED -> new GenericData.Fixed(schema, bytes(random, schema.getFixedSize()));
            case INT -> random.nextInt(1000);
            case LONG -> (long) random.nextInt(1_000_000);
            case FLOAT -> random.nextFloat();
            case DOUBLE -> random.nextDouble();
            case BOOLEAN -> random.nextBoolean();
            case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(randomValue(schema.getElementType(), random));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                Map<String, Object> map = new HashMap<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    map.put("k" + i, randomValue(schema.getValueType(), random));
                }
                yield map;
            }
            case NULL -> null;
        };
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Zipf-like descending log-probabilities over distinct ids of a large vocabulary, as a real teacher's top K look. */
    private static TopKSequence topK(Random random, int positions, int k, int vocabulary) {
        int[] ids = new int[positions * k];
        float[] values = new float[positions * k];
        for (int p = 0; p < positions; p++) {
            int[] distinct = random.ints(0, vocabulary).distinct().limit(k).toArray();
            for (int r = 0; r < k; r++) {
                ids[p * k + r] = distinct[r];
                values[p * k + r] = (float) (-1.0 - Math.log(r + 1) * 1.5 - random.nextDouble() * 0.01);
            }
        }
        return new TopKSequence(k, vocabulary, ids, values, new float[positions]);
    }

    /** RS-KD slots: {@code draws} draws a position over at most {@code k} distinct ids, counts in descending order. */
    private static SampledSequence sampled(Random random, int positions, int k, int draws, int vocabulary) {
        int[] ids = new int[positions * k];
        int[] counts = new int[positions * k];
        for (int p = 0; p < positions; p++) {
            int[] distinct = random.ints(0, vocabulary).distinct().limit(k).toArray();
            int left = draws;
            for (int r = 0; r < k && left > 0; r++) {
                int count = r == k - 1 ? left : Math.max(1, left / 2);
                ids[p * k + r] = distinct[r];
                counts[p * k + r] = count;
                left -= count;
            }
        }
        return new SampledSequence(k, vocabulary, ids, counts, null, draws);
    }
}
