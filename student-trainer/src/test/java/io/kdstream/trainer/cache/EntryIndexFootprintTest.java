package io.kdstream.trainer.cache;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a cached prompt costs the trainer's heap: the live heap (after full collections) with the index of N prompts
 * against without. Printed as a {@code cache-index} row for RELIABILITY.md; asserted only loosely, against a
 * regression to a second copy of each id.
 */
class EntryIndexFootprintTest {

    /** Fills the index's arrays exactly (they double from 1024), so the figure is per prompt, not per reserved slot. */
    private static final int PROMPTS = 1 << 18;
    private static final List<ByteBuffer> VALUES = List.of(ByteBuffer.allocate(1));

    @Test
    void shouldCostAboutAnIdsBytesAndAMapEntryAPrompt() throws Exception {
        report("SHA-256 hex ids, as kdstream's producers make (64 characters)", EntryIndexFootprintTest::contentHash);
        report("the soak's ids (soak-<millis>-<sequence>, 21-24 characters)", i -> "soak-1733412345678-" + i);
    }

    private static void report(String ids, IntFunction<String> id) {
        long before = liveHeap();
        EntryIndex index = new EntryIndex();
        for (int i = 0; i < PROMPTS; i++) {
            index.add(new CachedSequence(id.apply(i), 0, i, 100, VALUES), 0, 1000L * i, 900);
        }
        long after = liveHeap();
        Reference.reachabilityFence(index);

        double perPrompt = (after - before) / (double) PROMPTS;
        System.out.printf("cache-index | %s | %d prompts | %.0f bytes a prompt of live heap | %.1f MB%n", ids, PROMPTS, perPrompt,
                (after - before) / 1048576.0);
        assertThat(index.liveCount()).isEqualTo(PROMPTS);
        assertThat(perPrompt).isBetween(24.0, 2.0 * (id.apply(PROMPTS).length() + 120));
    }

    /** Heap in use after full collections, once two in a row agree to a kilobyte (what the next one frees is garbage). */
    private static long liveHeap() {
        long previous = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 10; attempt++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    private static String contentHash(int i) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Integer.toString(i).getBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
