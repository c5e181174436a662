package dev.bulwark.mesh.federation;

import dev.bulwark.mesh.bundle.TrustBundle;

/** What one poll of a bundle endpoint did. */
public sealed interface FetchOutcome {

    /** A newer bundle was fetched and is now held. */
    record Updated(TrustBundle bundle) implements FetchOutcome {
    }

    /** The fetched bundle was not newer than the held one (same or lower sequence); nothing changed. */
    record Unchanged(TrustBundle held) implements FetchOutcome {
    }

    /** The fetch failed (TLS refused, HTTP error, bad JSON); the held bundle, if any, stays. */
    record Failed(String reason) implements FetchOutcome {
    }
}
