package dev.bulwark.policy.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Bad manifests are rejected with the path of the offending field; nothing about them is accepted. */
class PolicyParserBadInputTest {

    private final PolicyParser parser = new PolicyParser("default");

    private static final String KNP = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: x}
            spec:
              podSelector: {}
            """;

    private ParsedDocument.Rejected reject(String yaml) {
        List<ParsedDocument> docs = parser.parseAll(yaml);
        assertEquals(1, docs.size(), "documents");
        return assertInstanceOf(ParsedDocument.Rejected.class, docs.getFirst(), "expected a rejection");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad CIDR         | '  ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/8}}]}]'                        | spec.ingress[0].from[0].ipBlock.cidr | host bits are set
            not a CIDR       | '  ingress: [{from: [{ipBlock: {cidr: banana}}]}]'                            | spec.ingress[0].from[0].ipBlock.cidr | not an IPv4 or IPv6 address
            except outside   | '  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]' | spec.ingress[0].from[0].ipBlock.except[0] | strictly inside
            port 0           | '  ingress: [{ports: [{port: 0}]}]'                                            | spec.ingress[0].ports[0].port | outside 1..65535
            port 70000       | '  ingress: [{ports: [{port: 70000}]}]'                                        | spec.ingress[0].ports[0].port | outside 1..65535
            endPort < port   | '  ingress: [{ports: [{port: 80, endPort: 79}]}]'                              | spec.ingress[0].ports[0].endPort | less than port 80
            endPort alone    | '  ingress: [{ports: [{endPort: 79}]}]'                                        | spec.ingress[0].ports[0].endPort | requires port
            bad protocol     | '  ingress: [{ports: [{port: 80, protocol: ICMP}]}]'                           | spec.ingress[0].ports[0].protocol | expected TCP, UDP or SCTP
            unknown field    | '  ingress: [{from: [{podSelecter: {}}]}]'                                     | spec.ingress[0].from[0].podSelecter | unknown or unsupported field
            empty peer       | '  ingress: [{from: [{}]}]'                                                     | spec.ingress[0].from[0] | needs podSelector
            ipBlock and pods | '  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]'        | spec.ingress[0].from[0] | cannot be combined
            bad operator     | '  ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}}]}]' | spec.ingress[0].from[0].podSelector.matchExpressions[0].operator | expected In, NotIn
            In without values| '  ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: In}]}}]}]' | spec.ingress[0].from[0].podSelector.matchExpressions[0].values | must be non-empty
            Exists with values| '  ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: Exists, values: [b]}]}}]}]' | spec.ingress[0].from[0].podSelector.matchExpressions[0].values | must be empty
            bad label key    | '  ingress: [{from: [{podSelector: {matchLabels: {"-bad": x}}}]}]'              | spec.ingress[0].from[0].podSelector.matchLabels.-bad | invalid label key
            bad label value  | '  ingress: [{from: [{podSelector: {matchLabels: {app: "a b"}}}]}]'             | spec.ingress[0].from[0].podSelector.matchLabels.app | invalid label value
            bad policy type  | '  policyTypes: [Inbound]'                                                      | spec.policyTypes[0] | expected Ingress or Egress
            duplicate type   | '  policyTypes: [Ingress, Ingress]'                                             | spec.policyTypes[1] | listed twice
            bad named port   | '  ingress: [{ports: [{port: "Not_A_Name"}]}]'                                  | spec.ingress[0].ports[0].port | neither a port number
            ports not a list | '  ingress: [{ports: {port: 80}}]'                                              | spec.ingress[0].ports | expected a list
            """)
    void networkPolicyErrorsNameTheField(String what, String specTail, String path, String reason) {
        ParsedDocument.Rejected r = reject(KNP + specTail + "\n");
        assertEquals(path, r.error().path(), what + ": " + r.error().getMessage());
        assertTrue(r.error().reason().contains(reason), what + ": " + r.error().getMessage());
        assertEquals("NetworkPolicy x/p", r.label());
    }

    private static final String CNP = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: c, namespace: x}
            spec:
              endpointSelector: {}
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown entity   | '  ingress: [{fromEntities: [galaxy]}]'                                          | spec.ingress[0].fromEntities[0] | unknown entity
            L7 on deny       | '  ingressDeny: [{toPorts: [{ports: [{port: "80"}], rules: {http: [{}]}}]}]'     | spec.ingressDeny[0].toPorts[0].rules | cannot carry L7
            toServices       | '  egress: [{toServices: [{k8sService: {serviceName: a}}]}]'                     | spec.egress[0].toServices | not supported
            auth mode        | '  ingress: [{fromEntities: [all], authentication: {mode: maybe}}]'             | spec.ingress[0].authentication.mode | expected required or disabled
            bad regex        | '  ingress: [{toPorts: [{ports: [{port: "80"}], rules: {http: [{path: "(("}]}}]}]' | spec.ingress[0].toPorts[0].rules.http[0].path | regular expression
            fqdn both        | '  egress: [{toFQDNs: [{matchName: a.com, matchPattern: "*.a.com"}]}]'          | spec.egress[0].toFQDNs[0] | exactly one
            port 70000       | '  ingress: [{toPorts: [{ports: [{port: "70000"}]}]}]'                           | spec.ingress[0].toPorts[0].ports[0].port | outside 1..65535
            empty ports      | '  ingress: [{toPorts: [{ports: []}]}]'                                          | spec.ingress[0].toPorts[0].ports | at least one port
            bad cidr         | '  egress: [{toCIDR: [10.0.0.300/32]}]'                                          | spec.egress[0].toCIDR[0] | not an IPv4 or IPv6 address
            http and dns     | '  egress: [{toPorts: [{ports: [{port: "53"}], rules: {http: [{}], dns: [{matchName: a.com}]}}]}]' | spec.egress[0].toPorts[0].rules | cannot be mixed
            """)
    void ciliumPolicyErrorsNameTheField(String what, String specTail, String path, String reason) {
        ParsedDocument.Rejected r = reject(CNP + specTail + "\n");
        assertEquals(path, r.error().path(), what + ": " + r.error().getMessage());
        assertTrue(r.error().reason().contains(reason), what + ": " + r.error().getMessage());
    }

    @Test
    void malformedYamlIsOneClearError() {
        ParsedDocument.Rejected r = reject("apiVersion: [unclosed\n");
        assertTrue(r.error().getMessage().startsWith("malformed YAML"), r.error().getMessage());
    }

    @Test
    void wrongKindsAndVersionsAreRejected() {
        assertEquals("kind", reject("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").error().path());
        assertEquals("apiVersion", reject(KNP.replace("networking.k8s.io/v1", "networking.k8s.io/v1beta1")).error().path());
        assertEquals("metadata.namespace", reject("""
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: c, namespace: x}
                spec: {endpointSelector: {}}
                """).error().path());
        assertEquals("metadata.name", reject(KNP.replace("name: p", "name: Not_Valid")).error().path());
    }

    @Test
    void oneBadDocumentDoesNotBlockTheGoodOnes() {
        List<ParsedDocument> docs = parser.parseAll(KNP + "---\n" + KNP.replace("name: p", "name: q") + "  ingress: [{ports: [{port: 0}]}]\n---\n"
                + KNP.replace("name: p", "name: r"));
        assertEquals(3, docs.size());
        assertInstanceOf(ParsedDocument.Accepted.class, docs.get(0));
        ParsedDocument.Rejected bad = assertInstanceOf(ParsedDocument.Rejected.class, docs.get(1));
        assertEquals("document 1 (NetworkPolicy x/q): spec.ingress[0].ports[0].port: 0 is outside 1..65535 (omit port to match every port)",
                bad.message());
        assertInstanceOf(ParsedDocument.Accepted.class, docs.get(2));
    }

    @Test
    void duplicateKeysAreRejected() {
        ParsedDocument.Rejected r = reject(KNP + "  policyTypes: [Ingress]\n  policyTypes: [Egress]\n");
        assertTrue(r.error().getMessage().contains("policyTypes"), r.error().getMessage());
    }
}
