package dev.bulwark.mesh.spiffe;

import dev.bulwark.model.NumericIdentity;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A SPIFFE ID: {@code spiffe://<trust domain><path>}, checked by every MUST of SPIFFE-ID §2: scheme
 * exactly {@code spiffe} (lowercase: we never emit or accept another spelling), no userinfo, port,
 * query or fragment, no percent-encoding, path segments of {@code [a-zA-Z0-9._-]} that are neither
 * empty nor {@code .}/{@code ..}, no trailing slash, at most 2048 bytes. The path is empty for a root
 * ID (a trust domain's signing authority) and otherwise starts with {@code /}.
 */
public record SpiffeId(TrustDomain trustDomain, String path) implements Comparable<SpiffeId> {

    public static final String SCHEME_PREFIX = "spiffe://";
    /** SPIFFE-ID §2.3: IDs up to this many bytes must be supported; we never build longer ones. */
    public static final int MAX_BYTES = 2048;

    public SpiffeId {
        if (trustDomain == null) {
            throw new InvalidSpiffeIdException("trust-domain-missing", "trust domain is missing");
        }
        checkPath(path == null ? "" : path);
        path = path == null ? "" : path;
        int bytes = SCHEME_PREFIX.length() + trustDomain.name().length() + path.length();
        if (bytes > MAX_BYTES) {
            throw new InvalidSpiffeIdException("too-long", "SPIFFE ID is " + bytes + " bytes, the limit is " + MAX_BYTES);
        }
    }

    /** Parses {@code id} strictly; the exception names the broken rule. */
    public static SpiffeId parse(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidSpiffeIdException("empty", "SPIFFE ID is empty");
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidSpiffeIdException("too-long", "SPIFFE ID is "
                    + id.getBytes(StandardCharsets.UTF_8).length + " bytes, the limit is " + MAX_BYTES);
        }
        if (!id.startsWith(SCHEME_PREFIX)) {
            throw new InvalidSpiffeIdException("scheme", "scheme must be exactly 'spiffe://' (lowercase)");
        }
        String rest = id.substring(SCHEME_PREFIX.length());
        int end = firstOf(rest, "/?#");
        String host = rest.substring(0, end);
        String tail = rest.substring(end);
        TrustDomain.check(host);
        if (tail.startsWith("?")) {
            throw new InvalidSpiffeIdException("query", "SPIFFE ID must not have a query");
        }
        if (tail.startsWith("#")) {
            throw new InvalidSpiffeIdException("fragment", "SPIFFE ID must not have a fragment");
        }
        return new SpiffeId(new TrustDomain(host), tail);
    }

    /** {@code spiffe://<td>/identity/<N>}: a numeric security identity, as Cilium names it. */
    public static SpiffeId ofIdentity(TrustDomain td, NumericIdentity identity) {
        return new SpiffeId(td, "/identity/" + identity);
    }

    /** {@code spiffe://<td>/ns/<namespace>/sa/<serviceAccount>}: a Kubernetes service account. */
    public static SpiffeId ofServiceAccount(TrustDomain td, String namespace, String serviceAccount) {
        return new SpiffeId(td, "/ns/" + namespace + "/sa/" + serviceAccount);
    }

    /** {@code spiffe://<td>/node/<nodeName>}: a node agent, for the control plane's own mTLS. */
    public static SpiffeId ofNode(TrustDomain td, String nodeName) {
        return new SpiffeId(td, "/node/" + nodeName);
    }

    /** True for {@code spiffe://<td>} (no path): only signing authorities carry such an ID. */
    public boolean isRoot() {
        return path.isEmpty();
    }

    public URI toUri() {
        return URI.create(toString());
    }

    @Override
    public int compareTo(SpiffeId o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return SCHEME_PREFIX + trustDomain.name() + path;
    }

    private static void checkPath(String path) {
        if (path.isEmpty()) {
            return;
        }
        if (path.charAt(0) != '/') {
            throw new InvalidSpiffeIdException("path-chars", "path must start with '/'");
        }
        int segmentStart = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                checkSegment(path.substring(segmentStart, i), i == path.length());
                segmentStart = i + 1;
                continue;
            }
            char c = path.charAt(i);
            if (!isPathChar(c)) {
                throw switch (c) {
                    case '?' -> new InvalidSpiffeIdException("query", "SPIFFE ID must not have a query ('?' at path index " + i + ")");
                    case '#' -> new InvalidSpiffeIdException("fragment", "SPIFFE ID must not have a fragment ('#' at path index " + i + ")");
                    case '%' -> new InvalidSpiffeIdException("percent-encoding", "path must not be percent-encoded ('%' at path index " + i + ")");
                    default -> new InvalidSpiffeIdException("path-chars",
                            "path segment characters are limited to letters, digits, '.', '-' and '_' (got '"
                                    + TrustDomain.printable(c) + "' at path index " + i + ")");
                };
            }
        }
    }

    private static void checkSegment(String segment, boolean last) {
        if (segment.isEmpty()) {
            throw last
                    ? new InvalidSpiffeIdException("trailing-slash", "path must not end with '/'")
                    : new InvalidSpiffeIdException("empty-segment", "path must not contain empty segments ('//')");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new InvalidSpiffeIdException("dot-segment", "path must not contain '" + segment + "' segments");
        }
    }

    private static boolean isPathChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_';
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
