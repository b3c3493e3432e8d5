package dev.outbox.blog.input;

import dev.outbox.blog.problem.ProblemType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * JSON is UTF-8 (RFC 8259). Jackson's decoder accepts overlong forms such as C0 AF for '/', which lets a filter in
 * front of the API and the API itself read different text; the JDK's decoder refuses them. Bodies are bounded by
 * {@code quarkus.http.limits.max-body-size}, so holding one in memory is fine.
 */
@Provider
public class StrictUtf8 implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        byte[] body = context.getInputStream().readAllBytes();
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw ProblemType.MALFORMED_JSON.exception(400, "The body is not valid UTF-8.");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }
}
