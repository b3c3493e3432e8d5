package dev.outbox.search.index;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.outbox.search.index.SearchIndexes.RebuildClaim;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.CreateResponse;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.opensearch.core.IndexResponse;
import org.opensearch.client.transport.httpclient5.ResponseException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The rebuild claim of every member sharing an alias: one document ({@code rebuild}) in the index
 * {@code <alias>-rebuild}, created only if absent ({@code op_type=create}), so exactly one member gets it. Its holder
 * renews it while rebuilding; one not renewed for {@link #LEASE} is a crashed holder's and is taken over, by a write
 * conditional on the sequence number read, so two members cannot both take it over. Every write is conditional on the
 * holder's last one: a holder whose claim was taken over learns it at its next renewal.
 */
final class RebuildClaims {

    /** Four times the rebuild's own stall limit: a live holder renews far more often. */
    static final Duration LEASE = Duration.ofMinutes(4);
    private static final String ID = "rebuild";
    private static final int CONFLICT = 409;

    private final OpenSearchClient client;
    private final String index;
    private final Clock clock;

    RebuildClaims(OpenSearchClient client, String alias, Clock clock) {
        this.client = client;
        this.index = alias + "-rebuild";
        this.clock = clock;
    }

    Optional<RebuildClaim> claim(String owner) throws IOException {
        createIndex();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                CreateResponse created = client.create(create -> create.index(index).id(ID).refresh(Refresh.True)
                        .document(new Held(owner, clock.millis())));
                return Optional.of(new Claim(owner, created.seqNo(), created.primaryTerm()));
            } catch (OpenSearchException | IOException e) {
                if (status(e) != CONFLICT) {
                    throw e;
                }
            }
            GetResponse<Held> held = client.get(get -> get.index(index).id(ID), Held.class);
            if (!held.found()) {
                continue; // released between the two requests
            }
            if (clock.millis() - held.source().renewedAt() < LEASE.toMillis()) {
                return Optional.empty();
            }
            try {
                IndexResponse taken = client.index(write -> write.index(index).id(ID).refresh(Refresh.True)
                        .ifSeqNo(held.seqNo()).ifPrimaryTerm(held.primaryTerm())
                        .document(new Held(owner, clock.millis())));
                return Optional.of(new Claim(owner, taken.seqNo(), taken.primaryTerm()));
            } catch (OpenSearchException | IOException e) {
                if (status(e) != CONFLICT) {
                    throw e;
                }
                return Optional.empty(); // another member took the stale claim over first
            }
        }
        return Optional.empty();
    }

    private void createIndex() throws IOException {
        try {
            client.indices().create(create -> create.index(index)
                    .settings(settings -> settings.numberOfShards("1"))
                    .mappings(m -> m.properties("owner", p -> p.keyword(k -> k))
                            .properties("renewed_at", p -> p.long_(l -> l))));
        } catch (OpenSearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
    }

    /** The claim document. */
    record Held(String owner, @JsonProperty("renewed_at") long renewedAt) {
    }

    private final class Claim implements RebuildClaim {

        private final String owner;
        private long seqNo;
        private long primaryTerm;

        Claim(String owner, long seqNo, long primaryTerm) {
            this.owner = owner;
            this.seqNo = seqNo;
            this.primaryTerm = primaryTerm;
        }

        @Override
        public synchronized void renew() throws IOException {
            try {
                IndexResponse renewed = client.index(write -> write.index(index).id(ID).refresh(Refresh.True)
                        .ifSeqNo(seqNo).ifPrimaryTerm(primaryTerm).document(new Held(owner, clock.millis())));
                seqNo = renewed.seqNo();
                primaryTerm = renewed.primaryTerm();
            } catch (OpenSearchException | IOException e) {
                if (status(e) == CONFLICT || status(e) == 404) {
                    throw new IOException("The rebuild claim of " + owner + " was taken over by another member, as "
                            + "it was not renewed for " + LEASE + ": this rebuild stops", e);
                }
                throw e;
            }
        }

        /** Deletes the claim, unless another member took it over meanwhile: then it is that member's. */
        @Override
        public synchronized void close() throws IOException {
            try {
                client.delete(delete -> delete.index(index).id(ID).refresh(Refresh.True)
                        .ifSeqNo(seqNo).ifPrimaryTerm(primaryTerm));
            } catch (OpenSearchException | IOException e) {
                if (status(e) != CONFLICT && status(e) != 404) {
                    throw e;
                }
            }
        }
    }

    /**
     * The HTTP status OpenSearch answered: the client throws an {@link OpenSearchException} for some endpoints' errors
     * and an {@link IOException} around a {@link ResponseException} for others (a 409 on {@code _create}); -1 when the
     * request got no answer.
     */
    private static int status(Exception e) {
        if (e instanceof OpenSearchException openSearch) {
            return openSearch.status();
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ResponseException response) {
                return response.status();
            }
        }
        return -1;
    }
}
