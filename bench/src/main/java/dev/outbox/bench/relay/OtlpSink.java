package dev.outbox.bench.relay;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OTLP/HTTP trace collector on loopback for {@code --tracing=on}: it reads every export request and answers
 * 200 with an empty (valid, protobuf) response: the relay pays for building, serialising and sending its spans, as
 * with a real collector, and the collector's own work stays out of the figures (it is in the bench's CPU share).
 */
final class OtlpSink implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    OtlpSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                bytes.addAndGet(body.transferTo(OutputStream.nullOutputStream()));
            }
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The base URL, as {@code outbox.tracing.otlp-endpoint} takes it. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String describe() {
        return String.format("%d export requests, %.1f MB of spans", requests.get(), bytes.get() / 1e6);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
