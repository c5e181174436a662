package dev.bulwark.agent.auth;

import dev.bulwark.agent.datapath.AuthKey;
import java.time.Instant;

/** How one endpoint-auth handshake ended, from one agent's side. */
public sealed interface AuthOutcome {

    /** Both sides proved their identities; {@code key} is in the auth map until {@code expiry}. */
    record Authenticated(AuthKey key, Instant expiry) implements AuthOutcome {
    }

    /**
     * A side refused the other's certificate or identity, or the connection broke during the handshake
     * (nothing written, a held entry removed).
     */
    record Refused(String reason) implements AuthOutcome {
    }

    /** The peer agent could not be reached or did not answer in time (nothing changed; retry later). */
    record Unreachable(String reason) implements AuthOutcome {
    }
}
