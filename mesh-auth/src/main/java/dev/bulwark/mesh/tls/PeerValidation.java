package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.spiffe.SpiffeId;
import java.time.Instant;

/** The validator's verdict on a presented chain. */
public sealed interface PeerValidation {

    /** The chain is a valid X.509-SVID of {@code id} until {@code notAfter} (the earliest in the chain). */
    record Valid(SpiffeId id, Instant notAfter) implements PeerValidation {
    }

    /** The chain is refused, for {@code reason}. */
    record Invalid(String reason) implements PeerValidation {
    }
}
