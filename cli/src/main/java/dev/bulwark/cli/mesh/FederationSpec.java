package dev.bulwark.cli.mesh;

import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.federation.EndpointProfile;
import dev.bulwark.mesh.federation.Relationship;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code --federate} values: comma-separated {@code key=value} pairs naming the trust domain, the
 * endpoint URL and the profile, e.g.
 * {@code td=b.example,url=https://ca.b.example:8443/,profile=https_web[,roots=roots.pem]} or
 * {@code td=b.example,url=https://10.0.0.5:8443/,profile=https_spiffe,endpoint-id=spiffe://b.example/bulwark/bundle-endpoint,bundle=b.jwks}.
 */
final class FederationSpec {

    private static final Set<String> KEYS = Set.of("td", "url", "profile", "endpoint-id", "bundle", "roots");

    private FederationSpec() {
    }

    static Relationship parse(String spec) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--federate: expected key=value pairs, got '" + part + "'");
            }
            String key = part.substring(0, eq).trim();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("--federate: unknown key '" + key + "' (known: " + KEYS + ")");
            }
            kv.put(key, part.substring(eq + 1).trim());
        }
        for (String required : List.of("td", "url", "profile")) {
            if (!kv.containsKey(required)) {
                throw new IllegalArgumentException("--federate: " + required + "= is required in '" + spec + "'");
            }
        }
        TrustDomain td = TrustDomain.parse(kv.get("td"));
        URI url = URI.create(kv.get("url"));
        try {
            return switch (EndpointProfile.parse(kv.get("profile"))) {
                case HTTPS_WEB -> Relationship.httpsWeb(td, url,
                        kv.containsKey("roots") ? Pem.readCertificates(Files.readAllBytes(Path.of(kv.get("roots")))) : List.of());
                case HTTPS_SPIFFE -> {
                    if (!kv.containsKey("endpoint-id") || !kv.containsKey("bundle")) {
                        throw new IllegalArgumentException("--federate: https_spiffe needs endpoint-id= and bundle= (a JWKS file)");
                    }
                    SpiffeId endpoint = SpiffeId.parse(kv.get("endpoint-id"));
                    yield Relationship.httpsSpiffe(td, url, endpoint,
                            Jwks.read(endpoint.trustDomain(), Files.readString(Path.of(kv.get("bundle")))));
                }
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("--federate: cannot read a file of '" + spec + "': " + e.getMessage(), e);
        }
    }
}
