package dev.bulwark.cli.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.federation.EndpointProfile;
import dev.bulwark.mesh.federation.Relationship;
import dev.bulwark.mesh.spiffe.TrustDomain;
import org.junit.jupiter.api.Test;

class FederationSpecTest {

    static String error(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> FederationSpec.parse(spec)).getMessage();
    }

    @Test
    void anHttpsWebRelationshipNamesItsTrustDomainExplicitly() {
        Relationship r = FederationSpec.parse("td=b.example,url=https://ca.other.example:8443/,profile=https_web");
        assertEquals(TrustDomain.parse("b.example"), r.trustDomain());
        assertEquals(EndpointProfile.HTTPS_WEB, r.profile());
        assertTrue(r.webRoots().isEmpty(), "no roots: the JDK's public roots");
    }

    @Test
    void badSpecsNameWhatIsWrong() {
        assertTrue(error("td=b.example,url=https://x/").contains("profile= is required"));
        assertTrue(error("td=b.example,url=https://x/,profile=https_web,colour=red").contains("unknown key 'colour'"));
        assertTrue(error("td=b.example,url=https://x/,profile=https_spiffe").contains("endpoint-id= and bundle="));
        assertTrue(error("td=b.example,url=http://x/,profile=https_web").contains("url:"));
        assertTrue(error("td=b.example,url=https://x/,profile=ftp").contains("profile:"));
        assertTrue(error("td=b.example,url=https://x/,profile=https_web,roots=/nonexistent/roots.pem").contains("cannot read"));
    }
}
