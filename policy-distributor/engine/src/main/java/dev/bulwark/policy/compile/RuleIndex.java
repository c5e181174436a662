package dev.bulwark.policy.compile;

import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.api.PolicyRef;
import dev.bulwark.policy.api.Rule;
import dev.bulwark.policy.api.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The policy repository indexed two ways: by subject (identity → the subject selectors selecting it →
 * their rules), so resolving one identity costs what its own rules cost however many other rules exist;
 * and by peer selector, so an identity change reaches exactly the rules whose peers it affects. Not
 * thread-safe: owned by one {@link PolicyEngine}.
 */
public final class RuleIndex {

    static final Comparator<Rule> ORDER = Comparator.comparing(Rule::policy).thenComparing(Rule::path)
            .thenComparing(r -> r.action().name());

    private final SelectorCache cache;
    private final Map<PolicyRef, Policy> policies = new TreeMap<>();
    private final Map<Selector, Set<Rule>> bySubject = new HashMap<>();
    private final Map<Selector, Set<Rule>> byPeer = new HashMap<>();
    private final Map<Integer, Set<Selector>> subjectsOf = new HashMap<>();
    private final Set<Rule> wildcardRules = newRuleSet();
    /** Rules resolving egress named ports against their peers' ports: when none, peer ports never matter. */
    private int egressNamedPortRules;
    /** rulesFor results; cleared when rules change, per identity when its subjects change. */
    private final Map<Integer, List<Rule>> resolved = new HashMap<>();

    public RuleIndex(SelectorCache cache) {
        this.cache = cache;
    }

    private static Set<Rule> newRuleSet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    public Map<PolicyRef, Policy> policies() {
        return Collections.unmodifiableMap(policies);
    }

    public int ruleCount() {
        int n = 0;
        for (Policy p : policies.values()) {
            n += p.rules().size();
        }
        return n;
    }

    /** Adds or replaces a policy; returns the one it replaced, or null. */
    public Policy put(Policy policy) {
        Policy old = remove(policy.ref());
        policies.put(policy.ref(), policy);
        for (Rule r : policy.rules()) {
            add(r);
        }
        return old;
    }

    public Policy remove(PolicyRef ref) {
        Policy old = policies.remove(ref);
        if (old != null) {
            for (Rule r : old.rules()) {
                remove(r);
            }
        }
        return old;
    }

    private void add(Rule r) {
        resolved.clear();
        if (egressNamedPorts(r)) {
            egressNamedPortRules++;
        }
        Set<Rule> rules = bySubject.get(r.subject());
        if (rules == null) {
            rules = newRuleSet();
            bySubject.put(r.subject(), rules);
            cache.register(r.subject());
            for (int id : cache.selected(r.subject())) {
                subjectsOf.computeIfAbsent(id, k -> new java.util.HashSet<>()).add(r.subject());
            }
        }
        rules.add(r);
        for (Peer p : r.peers()) {
            if (p.selector().isWildcard()) {
                wildcardRules.add(r);
                continue;
            }
            cache.register(p.selector());
            byPeer.computeIfAbsent(p.selector(), k -> newRuleSet()).add(r);
        }
    }

    private void remove(Rule r) {
        resolved.clear();
        if (egressNamedPorts(r)) {
            egressNamedPortRules--;
        }
        Set<Rule> rules = bySubject.get(r.subject());
        rules.remove(r);
        if (rules.isEmpty()) {
            bySubject.remove(r.subject());
            for (int id : cache.selected(r.subject())) {
                Set<Selector> set = subjectsOf.get(id);
                set.remove(r.subject());
                if (set.isEmpty()) {
                    subjectsOf.remove(id);
                }
            }
            cache.unregister(r.subject());
        }
        wildcardRules.remove(r);
        for (Peer p : r.peers()) {
            if (p.selector().isWildcard()) {
                continue;
            }
            Set<Rule> set = byPeer.get(p.selector());
            if (set != null) { // null when the rule names the same selector twice
                set.remove(r);
                if (set.isEmpty()) {
                    byPeer.remove(p.selector());
                }
            }
            cache.unregister(p.selector());
        }
    }

    /** The rules whose subject selects {@code identity}, in a deterministic order. */
    public List<Rule> rulesFor(int identity) {
        List<Rule> cached = resolved.get(identity);
        if (cached != null) {
            return cached;
        }
        List<Rule> out = lookup(identity);
        resolved.put(identity, out);
        return out;
    }

    /** The uncached subject-index lookup (what one resolve costs). */
    public List<Rule> lookup(int identity) {
        Set<Selector> subjects = subjectsOf.get(identity);
        if (subjects == null) {
            return List.of();
        }
        List<Rule> out = new ArrayList<>();
        for (Selector s : subjects) {
            out.addAll(bySubject.get(s));
        }
        out.sort(ORDER);
        return List.copyOf(out);
    }

    /** The naive baseline: every rule's subject matched against the identity (what Cilium's resolve does). */
    public List<Rule> rulesForByScan(dev.bulwark.policy.api.IdentityLabels labels) {
        List<Rule> out = new ArrayList<>();
        for (Policy p : policies.values()) {
            for (Rule r : p.rules()) {
                if (r.subject().matches(labels)) {
                    out.add(r);
                }
            }
        }
        out.sort(ORDER);
        return out;
    }

    /** Keeps the subject index current after the cache reports {@code changed} selectors gained an identity. */
    void identityAdded(int identity, List<Selector> changed) {
        resolved.remove(identity);
        for (Selector s : changed) {
            if (bySubject.containsKey(s)) {
                subjectsOf.computeIfAbsent(identity, k -> new java.util.HashSet<>()).add(s);
            }
        }
    }

    void identityRemoved(int identity) {
        resolved.remove(identity);
        subjectsOf.remove(identity);
    }

    /** Rules with {@code selector} among their peers. */
    Set<Rule> rulesWithPeer(Selector selector) {
        return byPeer.getOrDefault(selector, Set.of());
    }

    static boolean egressNamedPorts(Rule r) {
        return r.direction() == dev.bulwark.model.policy.Direction.EGRESS && r.ports().stream().anyMatch(p -> p.isNamed());
    }

    /** True if some rule resolves egress named ports against its peers' declared ports. */
    boolean anyEgressNamedPorts() {
        return egressNamedPortRules > 0;
    }

    /** Rules with a wildcard peer (compiled as identity 0). */
    Set<Rule> wildcardRules() {
        return Collections.unmodifiableSet(wildcardRules);
    }
}
