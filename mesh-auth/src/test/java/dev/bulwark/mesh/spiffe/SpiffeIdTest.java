package dev.bulwark.mesh.spiffe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.NumericIdentity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Cases from SPIFFE-ID §2 and the facts of go-spiffe's and java-spiffe's parser suites. */
class SpiffeIdTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "spiffe://trustdomain|trustdomain|''",
            "spiffe://trustdomain/path|trustdomain|/path",
            "spiffe://trustdomain/path/element|trustdomain|/path/element",
            "spiffe://example.org/Path/ELEMENT|example.org|/Path/ELEMENT",
            "spiffe://td-1_a.b/a-b_c.d/...x/.a|td-1_a.b|/a-b_c.d/...x/.a",
            "spiffe://127.0.0.1/ns/default/sa/web|127.0.0.1|/ns/default/sa/web",
            "spiffe://spiffe.cilium/identity/12345|spiffe.cilium|/identity/12345",
            "spiffe://td/..a/a..|td|/..a/a.."})
    void valid(String input, String td, String path) {
        SpiffeId id = SpiffeId.parse(input);
        assertEquals(td, id.trustDomain().name());
        assertEquals(path, id.path());
        assertEquals(input, id.toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''|empty",
            "trustdomain/path|scheme",
            "http://trustdomain/path|scheme",
            "SPIFFE://trustdomain/path|scheme",
            "spiffe:/trustdomain/path|scheme",
            "spiffe:trustdomain|scheme",
            "xspiffe://trustdomain|scheme",
            "spiffe://|trust-domain-missing",
            "spiffe:///path|trust-domain-missing",
            "spiffe://TrustDomain/path|trust-domain-chars",
            "spiffe://trust domain|trust-domain-chars",
            "spiffe://[::1]/path|trust-domain-chars",
            "spiffe://td$/path|trust-domain-chars",
            "spiffe://td:8080/path|port",
            "spiffe://user:pass@td/path|port",
            "spiffe://user@td/path|userinfo",
            "spiffe://t%41d/path|percent-encoding",
            "spiffe://td/path?query=1|query",
            "spiffe://td?query|query",
            "spiffe://td/path#fragment|fragment",
            "spiffe://td#fragment|fragment",
            "spiffe://td/|trailing-slash",
            "spiffe://td/path/|trailing-slash",
            "spiffe://td//path|empty-segment",
            "spiffe://td/path//x|empty-segment",
            "spiffe://td/./path|dot-segment",
            "spiffe://td/path/..|dot-segment",
            "spiffe://td/path/.|dot-segment",
            "spiffe://td/%41|percent-encoding",
            "spiffe://td/pa th|path-chars",
            "spiffe://td/pa$th|path-chars",
            "spiffe://td/p\u00e4th|path-chars"})
    void invalid(String input, String rule) {
        InvalidSpiffeIdException e = assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(input));
        assertEquals(rule, e.rule(), e.getMessage());
    }

    @Test
    void lengthLimits() {
        String td = "a".repeat(255);
        assertEquals(td, SpiffeId.parse("spiffe://" + td).trustDomain().name());
        assertEquals("trust-domain-too-long",
                assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse("spiffe://" + td + "a")).rule());
        String path = "/" + "p".repeat(2048 - "spiffe://td/".length());
        assertEquals(2048, SpiffeId.parse("spiffe://td" + path).toString().length());
        assertEquals("too-long",
                assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse("spiffe://td" + path + "p")).rule());
    }

    @Test
    void everyTrustDomainCharacterOutsideTheSetIsRejected() {
        for (char c = 0; c < 128; c++) {
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
            String in = "spiffe://a" + c + "b";
            if (c == '/' || c == '?' || c == '#') {
                continue; // delimiters end the trust domain; covered above
            }
            if (allowed) {
                assertEquals("a" + c + "b", SpiffeId.parse(in).trustDomain().name());
            } else {
                assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(in), in);
            }
        }
    }

    @Test
    void buildersProduceParsableIds() {
        TrustDomain td = TrustDomain.parse("cluster-a.example");
        assertEquals("spiffe://cluster-a.example/identity/4242", SpiffeId.ofIdentity(td, NumericIdentity.of(4242)).toString());
        assertEquals("spiffe://cluster-a.example/ns/default/sa/web",
                SpiffeId.ofServiceAccount(td, "default", "web").toString());
        assertEquals("spiffe://cluster-a.example/node/worker-1", SpiffeId.ofNode(td, "worker-1").toString());
        assertTrue(td.id().isRoot());
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.ofServiceAccount(td, "", "web"));
        assertEquals(SpiffeId.parse("spiffe://td/a"), SpiffeId.parse("spiffe://td/a"));
    }
}
