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

/**
 * Reads a file line by line in constant memory, decoding each line as strict UTF-8 so that an invalid byte
 * rejects its own line instead of silently becoming a replacement character.
 */
final class JsonlLines implements Closeable {

    /** A line: its 1-based number and either its text or the reason it is not valid UTF-8. */
    record Line(long number, String text, byte[] raw, String invalidReason) {
    }

    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private long number;

    JsonlLines(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        buffer.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                break;
            }
            buffer.write(b);
        }
        if (!any) {
            return null;
        }
        number++;
        byte[] raw = buffer.toByteArray();
        int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, 0, length)).toString();
            return new Line(number, text, raw, null);
        } catch (CharacterCodingException e) {
            return new Line(number, null, raw, "invalid UTF-8: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
