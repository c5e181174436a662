package dev.bulwark.policy.api;

import java.util.ArrayList;
import java.util.List;

/**
 * L7 rules carried through to the map state as a proxy redirect: the proxy enforces them; the map
 * only sends matching flows to it. Empty lists mean "no L7 rules of that type".
 */
public record L7Rules(List<HttpRule> http, List<DnsRule> dns) {

    public static final L7Rules NONE = new L7Rules(List.of(), List.of());

    public L7Rules {
        http = List.copyOf(http);
        dns = List.copyOf(dns);
    }

    public boolean isEmpty() {
        return http.isEmpty() && dns.isEmpty();
    }

    /** The union: rules of the same type on the same port merge (Cilium layer7.rst). */
    public L7Rules merge(L7Rules other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        List<HttpRule> h = new ArrayList<>(http);
        other.http.stream().filter(r -> !h.contains(r)).forEach(h::add);
        List<DnsRule> d = new ArrayList<>(dns);
        other.dns.stream().filter(r -> !d.contains(r)).forEach(d::add);
        return new L7Rules(h, d);
    }

    /** One HTTP rule; null/empty fields match anything. {@code path} is a POSIX regex. */
    public record HttpRule(String method, String path, String host, List<String> headers) {
        public HttpRule {
            headers = List.copyOf(headers);
        }
    }

    /** One DNS rule: an exact name or a pattern with '*'. */
    public record DnsRule(String matchName, String matchPattern) {
    }
}
