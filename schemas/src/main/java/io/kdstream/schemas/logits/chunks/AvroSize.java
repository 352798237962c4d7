package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** The Avro binary size of a record, counted without keeping the bytes. */
final class AvroSize {

    private static final SpecificDatumWriter<TeacherLogits> WRITER = new SpecificDatumWriter<>(TeacherLogits.getClassSchema());

    private AvroSize() {
    }

    static long of(TeacherLogits record) {
        CountingStream counter = new CountingStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(counter, null);
        try {
            WRITER.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.bytes;
    }

    private static final class CountingStream extends OutputStream {
        private long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
