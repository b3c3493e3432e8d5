package dev.outbox.blog.trace;

import dev.outbox.service.problem.ProblemException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A SERVER span around a {@link Traced} resource method, continuing the request's W3C trace context when it has one.
 * The span is current while the method runs, on the method's own thread, so the outbox row written inside takes its
 * context ({@code OutboxWriter}); running before {@code @Transactional}'s interceptor, it covers the commit too. A
 * request refused before its method (rate limit, body too large) has no span.
 */
@Traced
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
public class TracedInterceptor {

    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    /** Each resource method's route template, worked out once: two regular expressions a request showed in profiles. */
    private static final Map<Method, String> ROUTES = new ConcurrentHashMap<>();

    private static final TextMapGetter<HttpServerRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest request) {
            return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    @Inject
    OpenTelemetry tracing;

    @Inject
    HttpServerRequest request;

    @AroundInvoke
    Object trace(InvocationContext call) throws Exception {
        Context caller = tracing.getPropagators().getTextMapPropagator().extract(Context.root(), request, HEADERS);
        String method = request.method().name();
        String route = ROUTES.computeIfAbsent(call.getMethod(), TracedInterceptor::route);
        Span span = tracing.getTracer(TracedInterceptor.class.getPackageName())
                .spanBuilder(method + " " + route)
                .setParent(caller)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("http.route", route)
                .setAttribute("url.path", request.path())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            Object result = call.proceed();
            if (result instanceof Response response) {
                span.setAttribute(STATUS, (long) response.getStatus());
            }
            return result;
        } catch (ProblemException problem) {
            // A refusal the API answers with a 4xx problem is the client's error, not the server's.
            span.setAttribute(STATUS, (long) problem.problem().status());
            if (problem.problem().status() >= 500) {
                span.setStatus(StatusCode.ERROR, problem.problem().detail());
            }
            throw problem;
        } catch (Exception e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getName());
            throw e;
        } finally {
            span.end();
        }
    }

    /** The route template, {@code /blogs/{id}}: a span name stays the same for every blog. */
    private static String route(Method method) {
        Path type = method.getDeclaringClass().getAnnotation(Path.class);
        Path own = method.getAnnotation(Path.class);
        String route = (type == null ? "" : type.value()) + (own == null ? "" : "/" + own.value());
        return ("/" + route).replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    }
}
