package dev.outbox.search.index;

/** The index cannot be read or written now (its backend is unreachable, or not opened yet); asking again later may pass. */
public class IndexUnavailableException extends RuntimeException {

    public IndexUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
