package dev.outbox.blog.problem;

import dev.outbox.service.problem.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BlogProblemsTest {

    @Test
    void listsTheFirstTwentyFieldErrorsAndCountsThemAll() {
        List<FieldError> errors = IntStream.range(0, 250_000).mapToObj(i -> new FieldError("tags[" + i + "]", "bad"))
                .toList();

        Problem problem = BlogProblems.invalid(errors).problem();

        assertThat(problem.errors()).hasSize(20).first().isEqualTo(new FieldError("tags[0]", "bad"));
        assertThat(problem.detail()).isEqualTo("250000 fields are invalid; the first 20 are listed");
    }

    @Test
    void aSingleErrorIsItsOwnDetail() {
        Problem problem = BlogProblems.invalid(List.of(new FieldError("title", "is required"))).problem();

        assertThat(problem.detail()).isEqualTo("is required");
        assertThat(problem.errors()).hasSize(1);
    }
}
