package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;

import java.nio.ByteBuffer;

/** The top-K fields of one TeacherLogits record, encoded; {@code logSumExp} is null where the encoding needs none. */
public record EncodedTopK(IdEncoding idEncoding, int idBits, ByteBuffer ids, ValueEncoding valueEncoding, ByteBuffer values,
                          ByteBuffer logSumExp) {

    public TeacherLogits.Builder applyTo(TeacherLogits.Builder record) {
        return record.setIdEncoding(idEncoding).setIdBits(idBits).setTopkIds(ids)
                .setValueEncoding(valueEncoding).setTopkValues(values).setLogSumExp(logSumExp);
    }

    /** Bytes of top-K data: ids, values and log-sum-exps. */
    public int bytes() {
        return ids.remaining() + values.remaining() + (logSumExp == null ? 0 : logSumExp.remaining());
    }
}
