package dev.bulwark.agent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.IdentityLayout;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Identities map to the trust domain of their cluster; IDs and server names map back only when consistent. */
class TrustDomainsTest {

    private static final TrustDomain A = TrustDomain.parse("cluster-a.example");
    private static final TrustDomain B = TrustDomain.parse("cluster-b.example");
    private static final int B_IDENTITY = (2 << 16) + 5; // cluster 2 in the default layout
    private final TrustDomains tds = new TrustDomains(A, IdentityLayout.DEFAULT, Map.of(2, B));

    @Test
    void theClusterBitsChooseTheTrustDomain() {
        assertEquals(A, tds.of(1001));
        assertEquals(B, tds.of(B_IDENTITY));
        assertEquals(A, tds.of((3 << 16) + 1), "clusters not listed belong to the local trust domain");
        assertEquals(SpiffeId.parse("spiffe://cluster-b.example/identity/131077"), tds.spiffeId(B_IDENTITY));
        assertEquals("1001.cluster-a.example", tds.serverName(1001));
    }

    @Test
    void serverNamesResolveOnlyWhenTheyAreExactlyAnIdentitysName() {
        assertEquals(Optional.of(1001), tds.identityOfServerName("1001.cluster-a.example"));
        assertEquals(Optional.of(B_IDENTITY), tds.identityOfServerName("131077.cluster-b.example"));
        assertEquals(Optional.empty(), tds.identityOfServerName("1001.cluster-b.example"), "wrong trust domain");
        assertEquals(Optional.empty(), tds.identityOfServerName("01001.cluster-a.example"));
        assertEquals(Optional.empty(), tds.identityOfServerName("x.cluster-a.example"));
        assertEquals(Optional.empty(), tds.identityOfServerName("cluster-a.example"));
    }

    @Test
    void aSpiffeIdResolvesToItsIdentityOrSaysWhyNot() {
        assertEquals(new TrustDomains.Resolved(1001, null), tds.resolve(SpiffeId.parse("spiffe://cluster-a.example/identity/1001")));
        assertEquals(B_IDENTITY, tds.resolve(SpiffeId.parse("spiffe://cluster-b.example/identity/131077")).identity());
        String claim = tds.resolve(SpiffeId.parse("spiffe://cluster-b.example/identity/1001")).refusal();
        assertTrue(claim.contains("belongs to trust domain cluster-a.example"), claim);
        assertTrue(tds.resolve(SpiffeId.parse("spiffe://cluster-a.example/node/n1")).refusal().contains("numeric identity"));
        assertTrue(tds.resolve(SpiffeId.parse("spiffe://cluster-a.example/identity/0")).refusal().contains("not an identity number"));
        assertNull(tds.resolve(SpiffeId.parse("spiffe://cluster-a.example/identity/7")).refusal());
    }

    @Test
    void badConfigurationNamesTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrustDomains(null, IdentityLayout.DEFAULT, Map.of()))
                .getMessage().startsWith("local"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrustDomains(A, IdentityLayout.DEFAULT, Map.of(300, B)))
                .getMessage().contains("cluster id 300"));
    }
}
