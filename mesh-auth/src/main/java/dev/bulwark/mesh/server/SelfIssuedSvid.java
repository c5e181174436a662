package dev.bulwark.mesh.server;

import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.tls.SvidSource;
import dev.bulwark.mesh.tls.X509Svid;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The CA's own serving SVID, renewed from the CA itself once past its renew time; checked on every
 * handshake, so it rotates with no timer. Thread-safe ({@code synchronized}).
 */
public final class SelfIssuedSvid implements SvidSource {

    private final CertificateAuthority ca;
    private final SpiffeId id;
    private final KeyAlgorithm keyAlgorithm;
    private final InstantSource clock;
    private final SecureRandom random;
    private X509Svid current;
    private IssuedSvid issued;

    public SelfIssuedSvid(CertificateAuthority ca, SpiffeId id, KeyAlgorithm keyAlgorithm, InstantSource clock,
                          SecureRandom random) {
        this.ca = ca;
        this.id = id;
        this.keyAlgorithm = keyAlgorithm;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public synchronized X509Svid svid() {
        if (issued == null || !clock.instant().isBefore(issued.renewAfter())) {
            KeyPair kp = keyAlgorithm.generate(random);
            issued = ca.issue(id, kp.getPublic(), Duration.ZERO);
            current = new X509Svid(id, issued.chain(), kp.getPrivate());
        }
        return current;
    }
}
