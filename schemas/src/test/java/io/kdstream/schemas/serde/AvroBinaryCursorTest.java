package io.kdstream.schemas.serde;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroBinaryCursorTest {

    private static final Schema WORDS = SchemaBuilder.record("Words").fields()
            .name("kind").type().enumeration("Kind").symbols("A", "B").noDefault()
            .name("words").type().array().items().stringType().noDefault()
            .endRecord();

    private static AvroBinaryCursor cursor(byte... bytes) {
        return new AvroBinaryCursor(bytes, 0, bytes.length);
    }

    @Test
    void shouldCheckRecordsWrittenWithSizedBlocksAsWellAsPlainOnes() throws IOException {
        GenericData.Record record = new GenericData.Record(WORDS);
        record.put("kind", new GenericData.EnumSymbol(WORDS.getField("kind").schema(), "B"));
        record.put("words", List.of("distil", "the", "teacher"));
        for (boolean blocking : new boolean[] {false, true}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = blocking ? EncoderFactory.get().blockingBinaryEncoder(out, null) : EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(WORDS).write(record, encoder);
            encoder.flush();
            byte[] bytes = out.toByteArray();

            assertThatCode(() -> cursor(bytes).check(WORDS)).as(blocking ? "sized blocks" : "plain blocks").doesNotThrowAnyException();
        }
    }

    /** A block of one item whose byte size (1) skips its item: the item claims a 40-byte string the record does not hold. */
    @Test
    void shouldRefuseAnItemThatASizedBlockHidesFromASkip() {
        byte[] bytes = {0x00, 0x01, 0x02, 0x50, 0x00};

        assertThatCode(() -> cursor(bytes).skip(WORDS)).doesNotThrowAnyException();
        assertThatThrownBy(() -> cursor(bytes).check(WORDS)).isInstanceOf(AvroRuntimeException.class)
                .hasMessageContaining("length 40 before byte 4").hasMessageContaining("the record has 5 bytes");
    }

    @Test
    void shouldRefuseMoreItemsThanBytesLeftBeforeReadingThem() {
        // 2^31 - 1 items (zig-zag varint), then nothing
        byte[] bytes = {0x00, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};

        assertThatThrownBy(() -> cursor(bytes).check(WORDS)).hasMessageContaining("block of 2147483647 items at byte 6 (the record has 6 bytes) runs past the end");
    }

    @Test
    void shouldRefuseABlockWhoseSizeDisagreesWithItsItems() {
        // one item, size 3, but the item ("a") takes 2 bytes
        byte[] bytes = {0x00, 0x01, 0x06, 0x02, 'a', 0x00, 0x00};

        assertThatThrownBy(() -> cursor(bytes).check(WORDS)).hasMessageContaining("claims 3 bytes but holds 2");
    }

    @Test
    void shouldRefuseAnEnumSymbolOutOfRange() {
        byte[] bytes = {0x04, 0x00};

        assertThatThrownBy(() -> cursor(bytes).check(WORDS)).hasMessageContaining("enum symbol 2 of 2");
    }
}
