package dev.outbox.blog.user;

import dev.outbox.blog.problem.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NewUserTest {

    @Test
    void acceptsAnOrdinarySignUp() {
        assertThat(new NewUser("grace_h", "Grace Hopper").violations()).isEmpty();
    }

    @Test
    void refusesControlCharactersNamingTheField() {
        List<FieldError> errors = new NewUser("grace\u0000", "Grace\u001fHopper").violations();

        assertThat(errors).extracting(FieldError::field).containsExactly("handle", "display_name");
        assertThat(errors).extracting(FieldError::reason).allMatch(reason -> reason.contains("control character"));
    }

    @Test
    void aDisplayNameOfInvisibleCharactersIsRequired() {
        assertThat(new NewUser("grace_h", "\u200b\u00a0\u3164").violations())
                .containsExactly(new FieldError("display_name", "is required"));
    }

    @Test
    void aLoneSurrogateInTheDisplayNameIsRefused() {
        assertThat(new NewUser("grace_h", "Grace \ud800").violations()).extracting(FieldError::field)
                .containsExactly("display_name");
    }
}
