package io.kdstream.cli.bench;

import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.EncodedTopK;
import io.kdstream.schemas.logits.TopKDecoder;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One sequence's top-K through the codec, in sequences a second: encode (arrays to the record's byte fields), decode
 * (the fields back to arrays, as readers do) and, beside them, a plain copy of the same encoded bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TopKCodecBenchmark {

    public static final int POSITIONS = 256;
    public static final long SEED = 1;

    @Param({"8", "64", "100"})
    public int k;

    /** Shape and vocabulary size, as {@link SyntheticTeacher#named} reads them. */
    @Param({"gaussian-100", "gaussian-128000", "gaussian-151936", "zipf-151936"})
    public String teacher;

    @Param({"PACKED", "COMPACT", "FLOAT32"})
    public TopKEncoding encoding;

    private TopKSequence topK;
    private TeacherLogits record;
    private byte[] encodedBytes;
    private byte[] copied;
    private int[] ids;
    private float[] values;
    private float[] logSumExp;

    @Setup(Level.Trial)
    public void setUp() {
        topK = SyntheticTeacher.named(teacher, k, POSITIONS, SEED);
        EncodedTopK encoded = encoding.encode(topK, 0, POSITIONS);
        record = record(encoded, k, POSITIONS);
        ByteBuffer all = ByteBuffer.allocate(encoded.bytes()).put(encoded.ids().duplicate()).put(encoded.values().duplicate());
        if (encoded.logSumExp() != null) {
            all.put(encoded.logSumExp().duplicate());
        }
        encodedBytes = all.array();
        copied = new byte[encodedBytes.length];
        ids = new int[POSITIONS * k];
        values = new float[POSITIONS * k];
        logSumExp = new float[POSITIONS];
    }

    /** A record holding just the top-K fields, which is all {@link TopKDecoder} reads. */
    static TeacherLogits record(EncodedTopK encoded, int k, int positions) {
        return encoded.applyTo(TeacherLogits.newBuilder())
                .setPromptId("bench").setTeacher(new TeacherIdentity("bench", "1", "bench")).setTokenizerFingerprint("bench")
                .setTokenIds(List.of()).setLossMask(ByteBuffer.allocate(0)).setK(k).setPositions(positions)
                .setValueKind(ValueKind.RAW_LOGITS).setCreatedAt(Instant.EPOCH).build();
    }

    @Benchmark
    public EncodedTopK encode() {
        return encoding.encode(topK, 0, POSITIONS);
    }

    @Benchmark
    public float[] decode() {
        TopKDecoder.decodeInto(record, ids, values, logSumExp, 0);
        return values;
    }

    @Benchmark
    public byte[] copy() {
        System.arraycopy(encodedBytes, 0, copied, 0, encodedBytes.length);
        return copied;
    }
}
