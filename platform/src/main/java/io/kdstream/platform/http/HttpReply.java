package io.kdstream.platform.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The one way kdstream's JDK HTTP servers answer: a status and a whole UTF-8 body of a content type. */
public final class HttpReply {

    private HttpReply() {
    }

    /** @param mediaType the {@code Content-Type} but its charset, which is UTF-8's */
    public static void send(HttpExchange exchange, int status, String mediaType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", mediaType + "; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
