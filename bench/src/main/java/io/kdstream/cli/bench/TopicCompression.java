package io.kdstream.cli.bench;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.EncodedTopK;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKDecoder;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * What logit records take on the topic: each record's value as a producer sends it (the 5-byte wire header and the
 * Avro record, tokens and loss mask included), compressed by Kafka's own codec. Each record is compressed alone: a
 * record of a few hundred positions is larger than the producer's {@code batch.size} (16 KiB), so it travels, and
 * is stored, as a batch of its own.
 */
final class TopicCompression {

    private static final int WIRE_HEADER_BYTES = 5;

    private TopicCompression() {
    }

    /** Bytes a top-K entry: the records' compressed sizes over their entries; {@code codec} is a {@code compression.type}. */
    static double bytesPerEntry(List<TopKSequence> sequences, TopKEncoding encoding, String codec) {
        long bytes = 0;
        long entries = 0;
        for (TopKSequence topK : sequences) {
            int positions = topK.positions();
            bytes += compressedRecord(encoding.encode(topK, 0, positions), topK.k(), positions, codec);
            entries += topK.ids().length;
        }
        return (double) bytes / entries;
    }

    /**
     * One record's compressed size on the topic: these top-K fields, and as tokens each position's first entry (a
     * teacher's top-1 choice or most drawn token, as the teacher's own text would be).
     */
    static int compressedRecord(EncodedTopK encoded, int k, int positions, String codec) {
        TeacherLogits topK = TopKCodecBenchmark.record(encoded, k, positions);
        int[] firstIds = new int[positions * k];
        TopKDecoder.decodeInto(topK, firstIds, new float[positions * k], new float[positions], 0);
        int[] tokens = new int[positions + 1];
        for (int p = 0; p < positions; p++) {
            tokens[p + 1] = firstIds[p * k];
        }
        float[] mask = new float[positions];
        Arrays.fill(mask, 1f);
        TeacherLogits record = TeacherLogits.newBuilder(topK).setTokenIds(Arrays.stream(tokens).boxed().toList())
                .setLossMask(SequenceLogits.encodeMask(mask)).build();
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.writeBytes(new byte[WIRE_HEADER_BYTES]);
        value.writeBytes(avro(record));
        return compressed(value.toByteArray(), codec);
    }

    private static byte[] avro(TeacherLogits record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(TeacherLogits.class).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int compressed(byte[] value, String codec) {
        ByteBufferOutputStream buffer = new ByteBufferOutputStream(ByteBuffer.allocate(value.length / 2 + 1024));
        try (OutputStream out = Compression.of(codec).build().wrapForOutput(buffer, RecordBatch.CURRENT_MAGIC_VALUE)) {
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.position();
    }
}
