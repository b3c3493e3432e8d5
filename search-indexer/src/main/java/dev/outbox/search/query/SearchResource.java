package dev.outbox.search.query;

import dev.outbox.search.index.LiveIndex;
import dev.outbox.search.index.SearchRequest;
import dev.outbox.search.index.SearchResults;
import dev.outbox.search.problem.ParameterError;
import dev.outbox.search.problem.ProblemTypes;
import dev.outbox.service.problem.Problem;
import dev.outbox.service.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.outbox.search.index.SearchRequest.MAX_RESULT_WINDOW;

/**
 * {@code GET /search}: ranked blogs with highlighted snippets, total hits and pages. Parameters arrive as text
 * and are checked here, so a bad one is a 400 naming it rather than a framework error.
 */
@Path("/search")
public class SearchResource {

    static final int DEFAULT_SIZE = 10;
    static final int MAX_SIZE = 100;

    @Inject
    LiveIndex index;

    /** The answer to one search; snippets are HTML-escaped with the matched words in {@code <mark>}. */
    public record Page(String query, Long author, String tag, int page, int size, long totalHits,
                       String totalHitsRelation, List<SearchResults.Hit> results) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Page search(@QueryParam("q") String q, @QueryParam("author") String author, @QueryParam("tag") String tag,
                       @QueryParam("page") String page, @QueryParam("size") String size) throws IOException {
        List<ParameterError> errors = new ArrayList<>();
        Long authorId = author == null ? null : positive("author", author, errors);
        Long pageNumber = page == null ? Long.valueOf(1) : positive("page", page, errors);
        Long pageSize = size == null ? Long.valueOf(DEFAULT_SIZE) : positive("size", size, errors);
        if (pageSize != null && pageSize > MAX_SIZE) {
            errors.add(new ParameterError("size", "must be at most " + MAX_SIZE));
        } else if (pageNumber != null && pageSize != null && pageNumber > MAX_RESULT_WINDOW / pageSize) {
            // Compared by division: page × size overflows a long for pages near Long.MAX_VALUE / size.
            errors.add(new ParameterError("page", pageNumber + " of size " + pageSize
                    + " goes beyond result " + MAX_RESULT_WINDOW + "; nothing beyond it is served, narrow the query "
                    + "instead"));
        }
        if (tag != null && tag.isBlank()) {
            errors.add(new ParameterError("tag", "must not be blank"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemTypes.INVALID_QUERY, "The search request is not valid", 400,
                    errors.size() == 1 ? errors.get(0).parameter() + " " + errors.get(0).reason()
                            : errors.size() + " parameters are invalid").withErrors(errors));
        }
        SearchResults results = index.search(new SearchRequest(q, authorId, tag, pageNumber.intValue(),
                pageSize.intValue()));
        return new Page(q, authorId, tag, pageNumber.intValue(), pageSize.intValue(), results.totalHits(),
                results.totalHitsExact() ? "eq" : "gte", results.hits());
    }

    private static Long positive(String name, String value, List<ParameterError> errors) {
        try {
            long number = Long.parseLong(value.strip());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new ParameterError(name, "must be a whole number of at least 1, was '" + value + "'"));
        return null;
    }
}
