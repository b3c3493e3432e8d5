package dev.outbox.search.index;

/** The user's query text cannot be run as given; the message says why in words a user can act on. */
public class InvalidQueryException extends RuntimeException {

    public InvalidQueryException(String reason) {
        super(reason);
    }
}
