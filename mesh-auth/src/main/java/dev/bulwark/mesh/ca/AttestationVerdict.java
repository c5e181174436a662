package dev.bulwark.mesh.ca;

/** A node attestor's verdict on a proof. */
public sealed interface AttestationVerdict {

    record Attested(String nodeName) implements AttestationVerdict {
    }

    record Refused(String reason) implements AttestationVerdict {
    }
}
