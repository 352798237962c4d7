package io.kdstream.producers.ingest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a file line by line in constant memory, decoding each line as strict UTF-8 so that an invalid byte
 * rejects its own line instead of silently becoming a replacement character. Memory stays bounded whatever the
 * file holds: a line longer than the limit is skipped to its end while only its first bytes are kept.
 */
final class JsonlLines implements Closeable {

    /** What is kept of a line that is over the limit, for the rejected-lines file. */
    static final int KEPT_PREFIX_BYTES = 4096;

    /**
     * A line: its 1-based number, its byte offset and length in the file, and either its text or the reason it cannot
     * be read ({@code raw} is then the line, or its first {@link #KEPT_PREFIX_BYTES} when it is too long).
     */
    record Line(long number, long offset, long length, String text, byte[] raw, String invalidReason) {
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private long number;
    private long position;

    JsonlLines(Path file, int maxLineBytes) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        buffer.reset();
        long start = position;
        long length = 0;
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            position++;
            if (b == '\n') {
                break;
            }
            if (length < maxLineBytes) {
                buffer.write(b);
            }
            length++;
        }
        if (!any) {
            return null;
        }
        number++;
        byte[] raw = buffer.toByteArray();
        if (length > maxLineBytes) {
            byte[] prefix = Arrays.copyOf(raw, Math.min(raw.length, KEPT_PREFIX_BYTES));
            return new Line(number, start, length, null, prefix, "line is " + length + " bytes, over the limit of " + maxLineBytes
                    + " (kdstream.producer.max.line.bytes); its first " + prefix.length + " bytes are kept here, all of it at byte " + start + " of the file");
        }
        int textLength = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, 0, textLength)).toString();
            return new Line(number, start, length, text, raw, null);
        } catch (CharacterCodingException e) {
            return new Line(number, start, length, null, raw, "invalid UTF-8: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
