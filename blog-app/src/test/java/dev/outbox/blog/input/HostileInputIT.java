package dev.outbox.blog.input;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.TableCounts;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * Requests a hostile or careless client sends: each is refused with an RFC 9457 problem (never a 5xx) and writes
 * nothing, neither rows nor WAL.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class HostileInputIT {

    private static final String PROBLEM = "application/problem+json";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URI base;

    Author author;
    long blogId;
    Map<String, Long> rowsBefore;
    WalTap wal;

    @BeforeEach
    void authorWithABlog() {
        author = Api.newAuthor();
        blogId = Api.publish(author, "Existing", "Body");
        rowsBefore = TableCounts.of(dataSource);
        wal = WalTap.open(dataSource);
    }

    @AfterEach
    void nothingWasWritten() {
        try {
            assertThat(wal.changes()).as("WAL changes of a refused request").isEmpty();
            assertThat(TableCounts.of(dataSource)).as("row counts").isEqualTo(rowsBefore);
        } finally {
            wal.close();
        }
    }

    // --- Text Postgres cannot store, or that only looks like text -----------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\u0007", "\\u001c", "\\u001f", "\\u007f", "\\u0085", "\\u009b", "\\t", "\\n"})
    void aControlCharacterInATitleIs422NamingTheField(String escaped) {
        postBlog("{\"title\":\"a" + escaped + "b\",\"body\":\"text\",\"tags\":[]}")
                .statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("/problems/validation"))
                .body("errors.field", hasItem("title"))
                .body("errors.reason", hasItem(containsString("control character")));
    }

    @Test
    void aNulInTheBodyIs422WhileTheTitleIsFine() {
        postBlog("{\"title\":\"Fine\",\"body\":\"line\\nnul\\u0000\",\"tags\":[]}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("body")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000java", "\\u001cjava", "java\\t", "ja\\u0085va"})
    void aControlCharacterInATagIs422NamingTheTag(String escaped) {
        postBlog("{\"title\":\"T\",\"body\":\"B\",\"tags\":[\"ok\",\"" + escaped + "\"]}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("tags[1]")));
    }

    @Test
    void aControlCharacterInAnImportedDraftNamesTheDraft() {
        author.as().body("{\"blogs\":[{\"title\":\"Fine\",\"body\":\"B\"},{\"title\":\"x\\u0000\",\"body\":\"B\"}]}")
                .post("/blogs/import")
                .then().statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("blogs[1].title")));
    }

    @Test
    void aControlCharacterInAnUpdateIs422() {
        author.as().body("{\"title\":\"x\\u0000\",\"body\":\"B\",\"tags\":[]}").put("/blogs/{id}", blogId)
                .then().statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("title")));
    }

    @Test
    void aControlCharacterInASignUpIs422NamingEachField() {
        signUp("{\"handle\":\"ab\\u0000c\",\"display_name\":\"Ann\\u0000\"}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("handle", "display_name")));
    }

    @Test
    void loneSurrogatesAre422() {
        postBlog("{\"title\":\"\\ud800\",\"body\":\"x\\udc00y\",\"tags\":[]}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("title", "body")))
                .body("errors.reason", hasItem(containsString("surrogate")));
        signUp("{\"handle\":\"lone_surrogate\",\"display_name\":\"A\\udbff\"}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("display_name")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u00a0", "\\u200b", "\\u2007\\u200b\\ufeff\\u2060", "\\u3000\\u00ad", "\\u3164", "\\u2800"})
    void aTitleOrDisplayNameOfInvisibleCharactersOnlyIsLikeABlankOne(String escaped) {
        postBlog("{\"title\":\"" + escaped + "\",\"body\":\"B\",\"tags\":[]}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("title")))
                .body("errors.reason", hasItem("is required"));
        signUp("{\"handle\":\"invisible_name\",\"display_name\":\"" + escaped + "\"}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("display_name")));
    }

    // --- JSON of the wrong shape ---------------------------------------------------------------------------------

    static Stream<Arguments> textFieldsOfAnotherType() {
        return Stream.of(
                Arguments.of("/blogs", "{\"title\":12,\"body\":\"B\"}", "title"),
                Arguments.of("/blogs", "{\"title\":1.5e3,\"body\":\"B\"}", "title"),
                Arguments.of("/blogs", "{\"title\":true,\"body\":\"B\"}", "title"),
                Arguments.of("/blogs", "{\"title\":[\"T\"],\"body\":\"B\"}", "title"),
                Arguments.of("/blogs", "{\"title\":{\"t\":\"T\"},\"body\":\"B\"}", "title"),
                Arguments.of("/blogs", "{\"title\":\"T\",\"body\":false}", "body"),
                Arguments.of("/blogs", "{\"title\":\"T\",\"body\":\"B\",\"tags\":[\"ok\",7]}", "tags[1]"),
                Arguments.of("/blogs", "{\"title\":\"T\",\"body\":\"B\",\"tags\":\"java\"}", "tags"),
                Arguments.of("/blogs/import", "{\"blogs\":[{\"title\":\"T\",\"body\":\"B\"},{\"title\":3,\"body\":\"B\"}]}",
                        "blogs[1].title"),
                Arguments.of("/users", "{\"handle\":123456,\"display_name\":\"N\"}", "handle"),
                Arguments.of("/users", "{\"handle\":\"numbers_name\",\"display_name\":42}", "display_name"));
    }

    @ParameterizedTest
    @MethodSource("textFieldsOfAnotherType")
    void aNumberBooleanArrayOrObjectWhereTextIsExpectedIs422NamingTheField(String path, String json, String field) {
        author.as().body(json).post(path)
                .then().statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("/problems/validation"))
                .body("errors.field", equalTo(List.of(field)));
    }

    @Test
    void aDuplicatedKeyIsMalformedJson() {
        postBlog("{\"title\":\"T\",\"body\":\"B\",\"title\":\"\\u0000\"}")
                .statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("/problems/malformed-json"));
    }

    @Test
    void aWriteWithoutContentTypeIs415() throws Exception {
        byte[] json = "{\"title\":\"T\",\"body\":\"B\",\"handle\":\"no_type\",\"display_name\":\"N\",\"blogs\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        for (String[] write : List.of(new String[]{"POST", "/blogs"}, new String[]{"POST", "/blogs/import"},
                new String[]{"PUT", "/blogs/" + blogId}, new String[]{"POST", "/users"})) {
            HttpResponse<String> response = send(write[0], write[1], Map.of("Authorization", "Bearer " + author.token()),
                    json);

            assertThat(response.statusCode()).as(write[0] + " " + write[1]).isEqualTo(415);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(PROBLEM);
            assertThat(response.body()).contains("\"status\":415");
        }
    }

    // --- Numbers out of range in the URL -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"limit=99999999999", "limit=abc", "limit=1e3", "limit=-", "before=99999999999999999999",
            "before=x"})
    void aPageParameterThatIsNotANumberIs400NamingIt(String query) {
        String parameter = query.substring(0, query.indexOf('='));
        RestAssured.get("/users/" + author.id() + "/blogs?" + query)
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("/problems/malformed-parameter"))
                .body("errors.field", equalTo(List.of(parameter)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/blogs/99999999999999999999", "/blogs/-1", "/blogs/%20", "/users/99999999999999999999",
            "/users/99999999999999999999/blogs", "/users/-99999999999999999999"})
    void anIdThatIsNoNumberOrTooLargeIs404(String path) {
        RestAssured.get(path).then().statusCode(404).contentType(PROBLEM);
        if (path.startsWith("/blogs/")) {
            author.as().body(Api.draft("T", "B")).put(path).then().statusCode(404).contentType(PROBLEM);
            author.as().delete(path).then().statusCode(404).contentType(PROBLEM);
        }
    }

    // --- Size -------------------------------------------------------------------------------------------------

    @Test
    void aQuarterMillionBadTagsAnswerASmall422() {
        String tags = IntStream.range(0, 250_000).mapToObj(i -> "\"\"").collect(Collectors.joining(","));

        String problem = postBlog("{\"title\":\"T\",\"body\":\"B\",\"tags\":[" + tags + "]}")
                .statusCode(422).contentType(PROBLEM)
                .body("errors", hasSize(lessThanOrEqualTo(20)))
                .body("detail", containsString("250001"))
                .extract().asString();

        assertThat(problem.length()).as("bytes of the problem").isLessThan(4_000);
    }

    @Test
    void aBodyDeclaredOverTheSizeLimitIs413Problem() throws Exception {
        byte[] huge = ("{\"title\":\"T\",\"body\":\"" + "b".repeat(1_200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> declared = send("POST", "/blogs", Map.of("Authorization", "Bearer " + author.token(),
                "Content-Type", "application/json"), huge);

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.headers().firstValue("Content-Type")).hasValue(PROBLEM);
        assertThat(declared.body()).contains("\"status\":413");
    }

    @Test
    void aChunkedBodyOverTheSizeLimitIs413Problem() throws Exception {
        String head = "POST /blogs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + author.token()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.writeBytes(chunk("{\"title\":\"T\",\"body\":\""));
        for (int i = 0; i < 20; i++) {
            chunked.writeBytes(chunk("b".repeat(64 * 1024)));
        }
        chunked.writeBytes(chunk("\"}"));
        chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

        RawResponse response = rawExchange(head.getBytes(StandardCharsets.ISO_8859_1), chunked.toByteArray());

        assertThat(response.statusLine()).startsWith("HTTP/1.1 413 ");
        assertThat(response.header("content-type")).as(response.toString()).isEqualTo(PROBLEM);
        assertThat(response.body()).contains("\"status\":413").contains("\"instance\":\"/blogs\"");
    }

    // --- A corpus of hostile requests: none may answer 5xx, every refusal is a problem -------------------------------

    static Stream<Arguments> hostileRequests() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        return Stream.of(
                hostile("invalid UTF-8 byte in a string", "POST", "/blogs", utf8Json(new byte[]{(byte) 0xC3, 0x28})),
                hostile("0xFF byte", "POST", "/blogs", utf8Json(new byte[]{(byte) 0xFF})),
                hostile("overlong UTF-8 slash", "POST", "/blogs", utf8Json(new byte[]{(byte) 0xC0, (byte) 0xAF})),
                hostile("UTF-8 encoded surrogate (CESU)", "POST", "/blogs",
                        utf8Json(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80})),
                hostile("truncated UTF-8 at the end", "POST", "/blogs", new byte[]{'{', '"', (byte) 0xE2, (byte) 0x82}),
                hostile("100,000 nested arrays in a field", "POST", "/blogs",
                        ("{\"title\":\"T\",\"body\":\"B\",\"extra\":" + deep + "}").getBytes(StandardCharsets.UTF_8)),
                hostile("100,000 nested arrays as the body", "POST", "/blogs", deep.getBytes(StandardCharsets.UTF_8)),
                hostile("nested objects as the title", "POST", "/blogs",
                        ("{\"title\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000) + "}")
                                .getBytes(StandardCharsets.UTF_8)),
                hostile("a number of 100,000 digits as the title", "POST", "/blogs",
                        ("{\"title\":" + "9".repeat(100_000) + ",\"body\":\"B\"}").getBytes(StandardCharsets.UTF_8)),
                hostile("an exponent beyond any double", "POST", "/blogs",
                        "{\"title\":1e999999999,\"body\":\"B\"}".getBytes(StandardCharsets.UTF_8)),
                hostile("a top-level array", "POST", "/blogs", "[]".getBytes(StandardCharsets.UTF_8)),
                hostile("a top-level string", "POST", "/users", "\"x\"".getBytes(StandardCharsets.UTF_8)),
                hostile("a top-level null", "POST", "/blogs/import", "null".getBytes(StandardCharsets.UTF_8)),
                hostile("trailing garbage", "POST", "/blogs",
                        "{\"title\":\"T\",\"body\":\"B\"} x".getBytes(StandardCharsets.UTF_8)),
                hostile("a byte-order mark and a NUL byte", "POST", "/blogs",
                        new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 0, '{', '}'}),
                hostile("an import of null drafts", "POST", "/blogs/import",
                        "{\"blogs\":[null,null]}".getBytes(StandardCharsets.UTF_8)),
                hostile("tags of nulls", "POST", "/blogs",
                        "{\"title\":\"T\",\"body\":\"B\",\"tags\":[null]}".getBytes(StandardCharsets.UTF_8)),
                hostile("XML", "POST", "/blogs", Map.of("Content-Type", "application/xml"),
                        "<blog/>".getBytes(StandardCharsets.UTF_8)),
                hostile("a content type with junk parameters", "POST", "/blogs",
                        Map.of("Content-Type", "application/json;;;=;x"), "{}".getBytes(StandardCharsets.UTF_8)),
                hostile("a long bearer token", "POST", "/blogs", Map.of("Authorization", "Bearer " + "a".repeat(7_000)),
                        "{\"title\":\"T\",\"body\":\"B\"}".getBytes(StandardCharsets.UTF_8)),
                hostile("a Basic authorization", "POST", "/blogs", Map.of("Authorization", "Basic Og=="),
                        "{\"title\":\"T\",\"body\":\"B\"}".getBytes(StandardCharsets.UTF_8)),
                hostile("a garbage If-Match", "PUT", "/blogs/{blog}", Map.of("If-Match", "\"\",,,W/\"x"),
                        "{\"title\":\"T\",\"body\":\"B\"}".getBytes(StandardCharsets.UTF_8)),
                hostile("a garbage If-Match on delete", "DELETE", "/blogs/{blog}", Map.of("If-Match", "99999999999999999999"),
                        null),
                hostile("an Accept the API cannot serve", "GET", "/blogs/{blog}", Map.of("Accept", "text/html"), null),
                hostile("a limit with a NUL", "GET", "/users/{author}/blogs?limit=%00", Map.of(), null),
                hostile("a percent-encoded NUL as the id", "GET", "/blogs/%00", Map.of(), null),
                hostile("a dot-dot path", "GET", "/blogs/..%2F..%2Fusers", Map.of(), null),
                hostile("a 3,000 digit id", "GET", "/blogs/" + "9".repeat(3_000), Map.of(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void aHostileRequestIsRefusedWithAProblemNeverA5xx(String name, String method, String path, Map<String, String> headers,
                                                      byte[] body) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("Authorization", "Bearer " + author.token(),
                "Content-Type", "application/json"));
        all.putAll(headers);
        String target = path.replace("{blog}", Long.toString(blogId)).replace("{author}", Long.toString(author.id()));

        HttpResponse<String> response = send(method, target, all, body);

        assertThat(response.statusCode()).as(name + ": " + response.body()).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type")).as(name).hasValue(PROBLEM);
    }

    /**
     * Refused before any handler the application can register (docs/reliability.md, "Refused before the API"):
     * Quarkus 3.37 gives these a bare status. The day one answers differently, that section must change. One test,
     * not one per request: each would pay for a new author and WAL slot.
     */
    @Test
    void requestsRefusedBeforeTheApplicationGetABareStatusAndWriteNothing() throws Exception {
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("400 a control byte in a header", "POST /blogs HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer \u0001\u0000\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\n{}");
        requests.put("431 a 40 KB header",
                "GET /blogs/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000) + "\r\nConnection: close\r\n\r\n");
        requests.put("414 a 10,000-character request line",
                "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        requests.put("400 a negative Content-Length",
                "POST /blogs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n");
        requests.put("400 a 20-digit Content-Length",
                "POST /blogs HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n");
        requests.put("400 a path that is not percent-encoding",
                "GET /blogs/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        requests.put("400 a lone percent sign in the path",
                "DELETE /blogs/% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        for (Map.Entry<String, String> request : requests.entrySet()) {
            String status = request.getKey().substring(0, 3);

            RawResponse response = rawExchange(request.getValue().getBytes(StandardCharsets.ISO_8859_1), new byte[0]);

            assertThat(response.statusLine()).as(request.getKey() + ": " + response)
                    .matches("HTTP/1\\.[01] " + status + " .*");
            assertThat(response.header("content-type")).as(request.getKey() + ": " + response).isNull();
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private ValidatableResponse postBlog(String json) {
        return author.as().body(json).post("/blogs").then();
    }

    private static ValidatableResponse signUp(String json) {
        return RestAssured.given().contentType(ContentType.JSON).body(json).post("/users").then();
    }

    private static Arguments hostile(String name, String method, String path, byte[] body) {
        return hostile(name, method, path, Map.of(), body);
    }

    private static Arguments hostile(String name, String method, String path, Map<String, String> headers, byte[] body) {
        return Arguments.of(name, method, path, headers, body);
    }

    /** A blog draft whose title holds the given raw bytes. */
    private static byte[] utf8Json(byte[] titleBytes) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes("{\"title\":\"a".getBytes(StandardCharsets.UTF_8));
        json.writeBytes(titleBytes);
        json.writeBytes("b\",\"body\":\"B\"}".getBytes(StandardCharsets.UTF_8));
        return json.toByteArray();
    }

    private HttpRequest.Builder request(String method, String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return request;
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return HTTP.send(request(method, path, headers).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] chunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        chunk.writeBytes((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        chunk.writeBytes(bytes);
        chunk.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return chunk.toByteArray();
    }

    /** A response read off the wire: its status line, headers (names in lower case) and body. */
    record RawResponse(String statusLine, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * Writes a request byte for byte, the body from a second thread (the server may answer and close before it has
     * read all of it), and reads the answer: its head, then as many bytes as its Content-Length says.
     */
    private RawResponse rawExchange(byte[] head, byte[] body) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException closedByTheServer) {
                    // the answer was already given; it is read below
                }
            });
            writer.start();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream responseHead = new ByteArrayOutputStream();
            while (!responseHead.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                responseHead.write(next);
            }
            String[] lines = responseHead.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).strip().toLowerCase(), lines[i].substring(colon + 1).strip());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String responseBody = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            writer.join(10_000);
            return new RawResponse(lines[0], headers, responseBody);
        }
    }
}
