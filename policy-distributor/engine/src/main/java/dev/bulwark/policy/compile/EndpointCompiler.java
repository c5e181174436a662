package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.PortPrefix;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.api.Action;
import dev.bulwark.policy.api.L7Rules;
import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.PortRule;
import dev.bulwark.policy.api.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles the rules that select one endpoint into its map entries: pure, no state. Called for the
 * whole map, or for the slice of one remote identity (the entries keyed on it depend only on the rules
 * whose peers select it, which is what makes identity churn cheap).
 *
 * <p>Per key: deny beats allow; allows merge (an allow without L7 rules cancels the L7 rules of
 * others on that key, as in Cilium; auth is required if any rule requires it). Per remote identity the
 * entries are made consistent for longest-prefix match: an allow covered by a broader deny is dropped
 * (the deny decides those flows anyway), and an allow whose nearest broader entry is an equal allow is
 * dropped as redundant.
 */
public final class EndpointCompiler {

    /** Which identities a selector selects (the selector cache). */
    public interface Selections {
        Set<Integer> selected(dev.bulwark.policy.api.Selector selector);
    }

    /** Named ports by identity; identity 0 asks for the union over every pod. */
    public interface NamedPorts {
        List<NamedPort> of(int identity);
    }

    /** The result: entries plus the L7 rules behind each redirecting entry. */
    public record Compiled(TreeMap<PolicyKey, PolicyEntry> entries, TreeMap<PolicyKey, L7Rules> l7) {
    }

    private static final int TEMPLATE_CACHE_MAX = 200_000;

    private final EngineConfig config;
    /**
     * Templates of (rule, peer) pairs that do not depend on the endpoint (no ingress named ports),
     * keyed by the peer object; bounded, cleared when full. Confined to the owning engine's thread.
     */
    private final Map<Peer, Cached> templateCache = new java.util.IdentityHashMap<>();

    private record Cached(Rule rule, List<Template> templates) {
    }

    /**
     * Templates of ingress named-port rules, which depend on the endpoint's own ports: per peer object
     * and port list (a new identity a named-port rule selects is compiled once per distinct port list
     * of the groups holding the rule, a hundred times in one delta of the policy benchmark). Bounded as
     * {@link #templateCache}.
     */
    private final Map<Peer, ByPorts> namedTemplateCache = new java.util.IdentityHashMap<>();

    private record ByPorts(Rule rule, Map<List<NamedPort>, List<Template>> templates) {
    }

    public EndpointCompiler(EngineConfig config) {
        this.config = config;
    }

    /** True if some rule isolates the endpoint in {@code direction} (it is then default-deny there). */
    public static boolean isolated(List<Rule> rules, Direction direction) {
        for (Rule r : rules) {
            if (r.direction() == direction && r.isolates()) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param rules     the rules selecting the endpoint, in a deterministic order
     * @param ownPorts  the endpoint's named ports (ingress named ports resolve against these)
     * @param only      null for the whole map, else the one remote identity whose slice to compute
     */
    public Compiled compile(List<Rule> rules, List<NamedPort> ownPorts, Selections selections, NamedPorts peerPorts,
                            Integer only) {
        return compile(rules, isolated(rules, Direction.INGRESS), isolated(rules, Direction.EGRESS), ownPorts, selections,
                peerPorts, only);
    }

    /**
     * The slice of remote identity {@code remote} (not 0) given only the rules whose peers select it,
     * and the endpoint's isolation (which the other rules decide): what the slice of an endpoint with
     * many rules costs when one rule's peer gained or lost the identity.
     */
    public Compiled compileSlice(List<Rule> selecting, boolean ingressIsolated, boolean egressIsolated,
                                 List<NamedPort> ownPorts, Selections selections, NamedPorts peerPorts, int remote) {
        if (remote == 0) {
            throw new IllegalArgumentException("the identity-0 slice depends on every wildcard rule: compile it whole");
        }
        return compile(selecting, ingressIsolated, egressIsolated, ownPorts, selections, peerPorts, remote);
    }

    private Compiled compile(List<Rule> rules, boolean ingressIsolated, boolean egressIsolated, List<NamedPort> ownPorts,
                             Selections selections, NamedPorts peerPorts, Integer only) {
        Map<PolicyKey, Candidate> candidates = new HashMap<>();
        for (Direction d : Direction.values()) {
            boolean isolated = d == Direction.INGRESS ? ingressIsolated : egressIsolated;
            if (!isolated && (only == null || only == 0)) {
                candidates.put(PolicyKey.l3(0, d), Candidate.allow("default: " + d.name().toLowerCase(java.util.Locale.ROOT) + " not isolated", L7Rules.NONE, false));
            }
            for (Rule r : rules) {
                if (r.direction() != d) {
                    continue;
                }
                boolean matters = r.action() == Action.DENY || isolated || !r.l7().isEmpty() || r.authRequired();
                if (matters) {
                    addRule(r, ownPorts, selections, peerPorts, only, candidates);
                }
            }
        }
        return finish(candidates);
    }

    private void addRule(Rule r, List<NamedPort> ownPorts, Selections selections, NamedPorts peerPorts, Integer only,
                         Map<PolicyKey, Candidate> out) {
        for (Peer peer : r.peers()) {
            List<Template> templates = null;
            if (peer.selector().isWildcard()) {
                if (only == null || only == 0) {
                    templates = templates(r, peer, ownPorts);
                    addKeys(r, templates, 0, peerPorts, out);
                }
            } else if (only != null) {
                if (only != 0 && selections.selected(peer.selector()).contains(only)) {
                    addKeys(r, templates(r, peer, ownPorts), only, peerPorts, out);
                }
            } else {
                for (int id : selections.selected(peer.selector())) {
                    if (templates == null) {
                        templates = templates(r, peer, ownPorts);
                    }
                    addKeys(r, templates, id, peerPorts, out);
                }
            }
        }
    }

    /**
     * The keys one (rule, peer) contributes, minus the identity: computed once per peer, not per
     * selected identity. An egress named port depends on the peer and is marked for per-identity
     * resolution ({@code named != null}).
     */
    private record Template(int protocol, int port, int prefixLength, PortRule named, Candidate candidate) {
    }

    private List<Template> templates(Rule r, Peer peer, List<NamedPort> ownPorts) {
        if (PolicyGroups.dependsOnOwnPorts(r)) {
            ByPorts byPorts = namedTemplateCache.get(peer);
            if (byPorts == null || byPorts.rule() != r) {
                if (namedTemplateCache.size() >= TEMPLATE_CACHE_MAX) {
                    namedTemplateCache.clear();
                }
                byPorts = new ByPorts(r, new HashMap<>());
                namedTemplateCache.put(peer, byPorts);
            }
            List<Template> templates = byPorts.templates().get(ownPorts);
            if (templates == null) {
                if (byPorts.templates().size() >= 64) {
                    byPorts.templates().clear(); // endpoints with many distinct port lists: keep it bounded
                }
                templates = buildTemplates(r, peer, ownPorts);
                byPorts.templates().put(List.copyOf(ownPorts), templates);
            }
            return templates;
        }
        Cached cached = templateCache.get(peer);
        if (cached == null || cached.rule() != r) {
            if (templateCache.size() >= TEMPLATE_CACHE_MAX) {
                templateCache.clear();
            }
            cached = new Cached(r, buildTemplates(r, peer, ownPorts));
            templateCache.put(peer, cached);
        }
        return cached.templates();
    }

    private static List<Template> buildTemplates(Rule r, Peer peer, List<NamedPort> ownPorts) {
        String where = r.policy() + ": " + peer.path();
        List<Template> out = new ArrayList<>();
        if (r.ports().isEmpty()) {
            out.add(new Template(Protocols.ANY, 0, 0, null, candidate(r, where)));
            return out;
        }
        for (PortRule p : r.ports()) {
            Candidate c = candidate(r, where + ", " + p.path());
            if (p.isNamed()) {
                if (r.direction() == Direction.EGRESS) {
                    out.add(new Template(p.protocol(), 0, 0, p, c));
                    continue;
                }
                for (NamedPort np : ownPorts) {
                    if (np.name().equals(p.name()) && (p.protocol() == Protocols.ANY || p.protocol() == np.protocol())) {
                        out.add(new Template(np.protocol(), np.port(), 16, null, c));
                    }
                }
            } else if (p.protocol() == Protocols.ANY && p.port() == 0) {
                out.add(new Template(Protocols.ANY, 0, 0, null, c));
            } else {
                List<Integer> protocols = p.protocol() == Protocols.ANY
                        ? List.of(Protocols.TCP, Protocols.UDP, Protocols.SCTP) : List.of(p.protocol());
                for (int proto : protocols) {
                    if (p.port() == 0) {
                        out.add(new Template(proto, 0, 0, null, c));
                        continue;
                    }
                    for (PortPrefix prefix : PortPrefix.cover(p.port(), p.endPort())) {
                        out.add(new Template(proto, prefix.port(), prefix.length(), null, c));
                    }
                }
            }
        }
        return out;
    }

    private static void addKeys(Rule r, List<Template> templates, int identity, NamedPorts peerPorts, Map<PolicyKey, Candidate> out) {
        Direction d = r.direction();
        for (Template t : templates) {
            if (t.named() == null) {
                merge(out, new PolicyKey(identity, d, t.protocol(), t.port(), t.prefixLength()), t.candidate());
                continue;
            }
            for (NamedPort np : peerPorts.of(identity)) {
                if (np.name().equals(t.named().name()) && (t.protocol() == Protocols.ANY || t.protocol() == np.protocol())) {
                    merge(out, PolicyKey.l4(identity, d, np.protocol(), np.port()), t.candidate());
                }
            }
        }
    }

    private static Candidate candidate(Rule r, String ref) {
        return r.action() == Action.DENY ? Candidate.deny(ref) : Candidate.allow(ref, r.l7(), r.authRequired());
    }

    private static void merge(Map<PolicyKey, Candidate> out, PolicyKey key, Candidate c) {
        out.merge(key, c, Candidate::merge);
    }

    private Compiled finish(Map<PolicyKey, Candidate> candidates) {
        Map<PolicyKey, PolicyEntry> entries = new HashMap<>(candidates.size() * 2);
        candidates.forEach((k, c) -> entries.put(k, c.entry(config)));
        List<PolicyKey> drop = new ArrayList<>();
        for (Map.Entry<PolicyKey, PolicyEntry> e : entries.entrySet()) {
            if (!e.getValue().deny() && shadowed(entries, e.getKey(), e.getValue())) {
                drop.add(e.getKey());
            }
        }
        drop.forEach(entries::remove);
        TreeMap<PolicyKey, PolicyEntry> sorted = new TreeMap<>(KeyOrder.INSTANCE);
        sorted.putAll(entries);
        TreeMap<PolicyKey, L7Rules> l7 = new TreeMap<>(KeyOrder.INSTANCE);
        entries.forEach((k, v) -> {
            if (v.proxyPort() != 0) {
                l7.put(k, candidates.get(k).l7);
            }
        });
        return new Compiled(sorted, l7);
    }

    /**
     * True if the allow {@code key} must not be emitted: a broader deny of the same identity and
     * direction covers it (longest-prefix match would otherwise let it override the deny), or the
     * nearest broader entry the LPM trie would fall back to is an equal allow (it is redundant).
     */
    static boolean shadowed(Map<PolicyKey, PolicyEntry> entries, PolicyKey key, PolicyEntry value) {
        if (key.protocol() == Protocols.ANY) {
            return false;
        }
        PolicyEntry nearest = null;
        for (int length = key.portPrefixLength() - 1; length >= -1; length--) {
            PolicyKey probe = length < 0 ? PolicyKey.l3(key.remoteIdentity(), key.direction())
                    : new PolicyKey(key.remoteIdentity(), key.direction(), key.protocol(), key.port() & PortPrefix.mask(length), length);
            PolicyEntry e = entries.get(probe);
            if (e == null) {
                continue;
            }
            if (e.deny()) {
                return true;
            }
            if (nearest == null) {
                nearest = e;
            }
        }
        return nearest != null && nearest.datapathValue().equals(value.datapathValue());
    }

    /** What the rules say about one key before it becomes an entry. */
    private record Candidate(boolean deny, boolean plain, L7Rules l7, boolean auth, String ref) {

        static Candidate deny(String ref) {
            return new Candidate(true, false, L7Rules.NONE, false, ref);
        }

        static Candidate allow(String ref, L7Rules l7, boolean auth) {
            return new Candidate(false, l7.isEmpty(), l7, auth, ref);
        }

        Candidate merge(Candidate o) {
            if (deny || o.deny) {
                if (deny && o.deny) {
                    return ref.compareTo(o.ref) <= 0 ? this : o;
                }
                return deny ? this : o;
            }
            boolean p = plain || o.plain;
            String r = ref.compareTo(o.ref) <= 0 ? ref : o.ref;
            return new Candidate(false, p, p ? L7Rules.NONE : l7.merge(o.l7), auth || o.auth, r);
        }

        PolicyEntry entry(EngineConfig config) {
            if (deny) {
                return PolicyEntry.deny(ref);
            }
            int proxy = plain || l7.isEmpty() ? 0 : !l7.dns().isEmpty() ? config.dnsProxyPort() : config.httpProxyPort();
            return new PolicyEntry(false, proxy, auth, ref);
        }
    }
}
