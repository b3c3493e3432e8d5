package dev.outbox.local;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the services export their spans in a test: an OTLP/HTTP endpoint ({@code POST /v1/traces}) that keeps each
 * export request's protobuf body and answers with an empty, successful response. The bodies are read with
 * protobuf-java's wire-format reader, field numbers from OTLP's {@code trace.proto}: only what a test asks about
 * (each span's service, ids, parent, name, kind, times and string attributes).
 */
final class OtlpCollector implements AutoCloseable {

    /** One exported span; ids in hex, times in nanoseconds since the epoch. */
    record Span(String service, String traceId, String spanId, String parentSpanId, String name, int kind,
                long startNanos, long endNanos, Map<String, String> attributes) {

        private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

        String kindName() {
            return kind >= 0 && kind < KINDS.length ? KINDS[kind] : Integer.toString(kind);
        }
    }

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

    /** Every span of the trace {@code traceId} (32 hex digits) exported so far, earliest first. */
    List<Span> spans(String traceId) {
        List<Span> spans = new ArrayList<>();
        for (byte[] body : exports) {
            for (Span span : read(body)) {
                if (span.traceId().equals(traceId)) {
                    spans.add(span);
                }
            }
        }
        spans.sort(Comparator.comparingLong(Span::startNanos));
        return spans;
    }

    /** Whether {@code service} exported a span of the trace {@code traceId}. */
    boolean recorded(String service, String traceId) {
        return spans(traceId).stream().anyMatch(span -> span.service().equals(service));
    }

    /**
     * The trace as a tree, one span a line: service, name, kind, start after the trace's first span and duration,
     * and the attributes named in {@code shown}. A span whose parent was not exported (the caller's) is a root.
     */
    static String tree(List<Span> spans, List<String> shown) {
        Map<String, List<Span>> children = new HashMap<>();
        List<String> ids = spans.stream().map(Span::spanId).toList();
        for (Span span : spans) {
            if (ids.contains(span.parentSpanId())) {
                children.computeIfAbsent(span.parentSpanId(), p -> new ArrayList<>()).add(span);
            }
        }
        long origin = spans.stream().mapToLong(Span::startNanos).min().orElse(0);
        StringBuilder tree = new StringBuilder();
        for (Span root : roots(spans)) {
            print(root, "", "", children, origin, shown, tree);
        }
        return tree.toString();
    }

    /** The spans whose parent is not among {@code spans}: in a whole trace, its first span alone. */
    static List<Span> roots(List<Span> spans) {
        List<String> ids = spans.stream().map(Span::spanId).toList();
        return spans.stream().filter(span -> !ids.contains(span.parentSpanId())).toList();
    }

    private static void print(Span span, String lead, String branch, Map<String, List<Span>> children, long origin,
                              List<String> shown, StringBuilder tree) {
        String attributes = String.join(", ", shown.stream().filter(span.attributes()::containsKey)
                .map(key -> key + "=" + span.attributes().get(key)).toList());
        tree.append(String.format(Locale.ROOT, "%-24s %-22s %-9s +%7.1f ms %7.1f ms%s%n", lead + branch + span.service(),
                span.name(), span.kindName(), (span.startNanos() - origin) / 1e6,
                (span.endNanos() - span.startNanos()) / 1e6, attributes.isEmpty() ? "" : "  " + attributes));
        List<Span> below = children.getOrDefault(span.spanId(), List.of());
        String nextLead = lead + (branch.isEmpty() ? "" : branch.startsWith("└") ? "  " : "│ ");
        for (int i = 0; i < below.size(); i++) {
            print(below.get(i), nextLead, i == below.size() - 1 ? "└ " : "├ ", children, origin, shown, tree);
        }
    }

    // ExportTraceServiceRequest: 1 resource_spans. ResourceSpans: 1 resource, 2 scope_spans. Resource: 1 attributes.
    // ScopeSpans: 2 spans. Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 7 start, 8 end,
    // 9 attributes. KeyValue: 1 key, 2 value. AnyValue: 1 string_value.
    private static List<Span> read(byte[] body) {
        List<Span> spans = new ArrayList<>();
        try {
            CodedInputStream request = CodedInputStream.newInstance(body);
            for (int tag; (tag = request.readTag()) != 0; ) {
                if (WireFormat.getTagFieldNumber(tag) != 1) {
                    request.skipField(tag);
                    continue;
                }
                CodedInputStream resourceSpans = request.readBytes().newCodedInput();
                String service = "?";
                List<ByteString> scopes = new ArrayList<>();
                for (int field; (field = resourceSpans.readTag()) != 0; ) {
                    switch (WireFormat.getTagFieldNumber(field)) {
                        case 1 -> service = attributes(resourceSpans.readBytes(), 1).getOrDefault("service.name", "?");
                        case 2 -> scopes.add(resourceSpans.readBytes());
                        default -> resourceSpans.skipField(field);
                    }
                }
                for (ByteString scope : scopes) {
                    CodedInputStream scopeSpans = scope.newCodedInput();
                    for (int field; (field = scopeSpans.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(field) == 2) {
                            spans.add(span(service, scopeSpans.readBytes()));
                        } else {
                            scopeSpans.skipField(field);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Not an OTLP trace export", e);
        }
        return spans;
    }

    private static Span span(String service, ByteString bytes) throws IOException {
        CodedInputStream in = bytes.newCodedInput();
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        int kind = 0;
        long start = 0;
        long end = 0;
        Map<String, String> attributes = new HashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> traceId = hex(in.readBytes());
                case 2 -> spanId = hex(in.readBytes());
                case 4 -> parent = hex(in.readBytes());
                case 5 -> name = in.readStringRequireUtf8();
                case 6 -> kind = in.readEnum();
                case 7 -> start = in.readFixed64();
                case 8 -> end = in.readFixed64();
                case 9 -> attributes.putAll(keyValue(in.readBytes()));
                default -> in.skipField(tag);
            }
        }
        return new Span(service, traceId, spanId, parent, name, kind, start, end, Map.copyOf(attributes));
    }

    /** The string attributes among the repeated KeyValue field {@code field} of a message. */
    private static Map<String, String> attributes(ByteString message, int field) throws IOException {
        Map<String, String> attributes = new HashMap<>();
        CodedInputStream in = message.newCodedInput();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == field) {
                attributes.putAll(keyValue(in.readBytes()));
            } else {
                in.skipField(tag);
            }
        }
        return attributes;
    }

    private static Map<String, String> keyValue(ByteString bytes) throws IOException {
        CodedInputStream in = bytes.newCodedInput();
        String key = null;
        Optional<String> value = Optional.empty();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> key = in.readStringRequireUtf8();
                case 2 -> value = stringValue(in.readBytes());
                default -> in.skipField(tag);
            }
        }
        return key == null || value.isEmpty() ? Map.of() : Map.of(key, value.get());
    }

    private static Optional<String> stringValue(ByteString anyValue) throws IOException {
        CodedInputStream in = anyValue.newCodedInput();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                return Optional.of(in.readStringRequireUtf8());
            }
            in.skipField(tag);
        }
        return Optional.empty();
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
