package dev.outbox.service.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A service's own reason, as blog-app's field errors and search's parameter errors are. */
    record Reason(String field, String reason) {
    }

    @Test
    void writesTheMembersInRfcOrderAndLeavesOutWhatIsEmpty() throws Exception {
        Problem problem = Problem.of("/problems/unknown-group", "No such consumer group", 404, "No group x")
                .withInstance("/dead-letters");

        assertThat(JSON.writeValueAsString(problem)).isEqualTo("{\"type\":\"/problems/unknown-group\","
                + "\"title\":\"No such consumer group\",\"status\":404,\"detail\":\"No group x\","
                + "\"instance\":\"/dead-letters\"}");
    }

    @Test
    void writesAServicesOwnErrorsLast() throws Exception {
        Problem problem = Problem.of("/problems/validation", "The request is not valid", 422, "is required")
                .withErrors(List.of(new Reason("title", "is required")));

        assertThat(JSON.writeValueAsString(problem)).isEqualTo("{\"type\":\"/problems/validation\","
                + "\"title\":\"The request is not valid\",\"status\":422,\"detail\":\"is required\","
                + "\"errors\":[{\"field\":\"title\",\"reason\":\"is required\"}]}");
    }

    @Test
    void aProblemOfAStatusAloneIsAboutBlankTitledByItsReasonPhrase() {
        assertThat(Problem.ofStatus(405, "no")).isEqualTo(Problem.of("about:blank", "Method Not Allowed", 405, "no"));
        assertThat(Problem.ofStatus(499, "no").title()).isEqualTo("HTTP 499");
    }

    @Test
    void theResponseCarriesTheStatusMediaTypeInstanceAndHeaders() {
        Problem problem = Problem.of(Problem.UNAUTHENTICATED, "The operator token is required", 401, "Send it.");

        Response response = problem.toResponse("/index/rebuild",
                Map.of("WWW-Authenticate", "Bearer realm=\"search-operator\""));

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(response.getEntity()).isEqualTo(problem.withInstance("/index/rebuild"));
        assertThat(response.getHeaderString("WWW-Authenticate")).isEqualTo("Bearer realm=\"search-operator\"");
    }
}
