package dev.outbox.local;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the services export their spans in a test: an OTLP/HTTP endpoint ({@code POST /v1/traces}) that keeps each
 * export request's protobuf body and answers with an empty, successful response. Each request holds one service's
 * spans under its resource ({@code service.name}), so a trace id's 16 bytes and a service's name in one body say that
 * service recorded a span of that trace, with no protobuf classes needed to read it.
 */
final class OtlpCollector implements AutoCloseable {

    private final HttpServer server;
    private final List<byte[]> exports = new CopyOnWriteArrayList<>();

    OtlpCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                exports.add(body.readAllBytes());
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The base URL, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether {@code service} exported a span of the trace {@code traceId} (32 hex digits). */
    boolean recorded(String service, String traceId) {
        byte[] trace = HexFormat.of().parseHex(traceId);
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        return exports.stream().anyMatch(body -> contains(body, trace) && containsName(body, name));
    }

    /** The name as a whole protobuf string: preceded by its length, so "search-indexer" is not "search-indexer-2". */
    private static boolean containsName(byte[] body, byte[] name) {
        byte[] field = new byte[name.length + 1];
        field[0] = (byte) name.length;
        System.arraycopy(name, 0, field, 1, name.length);
        return contains(body, field);
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i <= body.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
