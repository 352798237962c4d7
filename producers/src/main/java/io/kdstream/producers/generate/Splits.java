package io.kdstream.producers.generate;

import io.kdstream.schemas.avro.Split;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A synthetic problem's split is a function of the problem alone (a hash of its canonical form), so the same
 * problem can never appear in two splits, whatever the seed, the count or the generator run.
 */
public final class Splits {

    private Splits() {
    }

    /** 10 % test, 10 % validation, 80 % train. */
    public static Split of(String canonical) {
        long bucket = crc32(canonical) % 10;
        return bucket == 0 ? Split.TEST : bucket == 1 ? Split.VALIDATION : Split.TRAIN;
    }

    static long crc32(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
