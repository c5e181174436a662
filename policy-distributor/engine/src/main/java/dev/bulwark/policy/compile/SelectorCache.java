package dev.bulwark.policy.compile;

import dev.bulwark.policy.api.IdentityLabels;
import dev.bulwark.policy.api.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each distinct selector in use, and the identities it selects, kept current as identities come and
 * go. Selectors that pin the pod namespace ({@code k8s:io.kubernetes.pod.namespace=x}, as every
 * namespaced policy's do) are indexed by it, so a new identity is matched only against the selectors of
 * its own namespace and the unscoped ones, not against every selector. Not thread-safe: owned by one
 * {@link PolicyEngine}.
 */
public final class SelectorCache implements EndpointCompiler.Selections {

    static final String NAMESPACE_KEY = "k8s:io.kubernetes.pod.namespace";

    private final Map<Integer, IdentityLabels> identities = new HashMap<>();
    private final Map<String, Set<Integer>> identitiesByNamespace = new HashMap<>();
    private final Map<Selector, Entry> entries = new HashMap<>();
    private final Map<String, Set<Selector>> selectorsByNamespace = new HashMap<>();
    private final Set<Selector> unscoped = new HashSet<>();
    /**
     * Lookups by selector object: rules hold their own (equal) selector instances, and hashing a
     * selector's requirement list on every lookup dominated slice recompiles. Cleared on unregister.
     */
    private final Map<Selector, Entry> byInstance = new java.util.IdentityHashMap<>();

    private static final class Entry {
        final Set<Integer> selected = new HashSet<>();
        final Set<Integer> view = Collections.unmodifiableSet(selected);
        int users;
    }

    @Override
    public Set<Integer> selected(Selector selector) {
        Entry e = byInstance.get(selector);
        if (e == null) {
            e = entries.get(selector);
            if (e == null) {
                throw new IllegalStateException("selector not registered: " + selector);
            }
            byInstance.put(selector, e);
        }
        return e.view;
    }

    public Map<Integer, IdentityLabels> identities() {
        return Collections.unmodifiableMap(identities);
    }

    /** True if {@code id} is a known identity (one that selectors may select). */
    public boolean contains(int id) {
        return identities.containsKey(id);
    }

    public int selectorCount() {
        return entries.size();
    }

    /** Starts tracking {@code selector} (reference counted); computes its selection if new. */
    public void register(Selector selector) {
        Entry e = entries.get(selector);
        if (e != null) {
            e.users++;
            return;
        }
        e = new Entry();
        e.users = 1;
        entries.put(selector, e);
        String ns = scope(selector);
        if (ns == null) {
            unscoped.add(selector);
            identities.forEach((id, labels) -> add(selector, id, labels));
        } else {
            selectorsByNamespace.computeIfAbsent(ns, k -> new HashSet<>()).add(selector);
            for (int id : identitiesByNamespace.getOrDefault(ns, Set.of())) {
                add(selector, id, identities.get(id));
            }
        }
    }

    private void add(Selector selector, int id, IdentityLabels labels) {
        if (selector.matches(labels)) {
            entries.get(selector).selected.add(id);
        }
    }

    public void unregister(Selector selector) {
        Entry e = entries.get(selector);
        if (e == null) {
            throw new IllegalStateException("selector not registered: " + selector);
        }
        if (--e.users > 0) {
            return;
        }
        entries.remove(selector);
        byInstance.clear();
        String ns = scope(selector);
        if (ns == null) {
            unscoped.remove(selector);
        } else {
            Set<Selector> set = selectorsByNamespace.get(ns);
            set.remove(selector);
            if (set.isEmpty()) {
                selectorsByNamespace.remove(ns);
            }
        }
    }

    /** Adds an identity; returns the selectors that now select it. */
    public List<Selector> addIdentity(int id, IdentityLabels labels) {
        if (identities.put(id, labels) != null) {
            throw new IllegalStateException("identity " + Integer.toUnsignedString(id) + " added twice");
        }
        String ns = labels.value(NAMESPACE_KEY);
        if (ns != null) {
            identitiesByNamespace.computeIfAbsent(ns, k -> new HashSet<>()).add(id);
        }
        List<Selector> changed = new ArrayList<>();
        for (Selector s : candidates(ns)) {
            if (s.matches(labels)) {
                entries.get(s).selected.add(id);
                changed.add(s);
            }
        }
        return changed;
    }

    /** Removes an identity; returns the selectors that selected it. */
    public List<Selector> removeIdentity(int id) {
        IdentityLabels labels = identities.remove(id);
        if (labels == null) {
            return List.of();
        }
        String ns = labels.value(NAMESPACE_KEY);
        if (ns != null) {
            Set<Integer> set = identitiesByNamespace.get(ns);
            set.remove(id);
            if (set.isEmpty()) {
                identitiesByNamespace.remove(ns);
            }
        }
        List<Selector> changed = new ArrayList<>();
        for (Selector s : candidates(ns)) {
            if (entries.get(s).selected.remove(id)) {
                changed.add(s);
            }
        }
        return changed;
    }

    /** The registered selectors that select {@code id}. */
    public List<Selector> selecting(int id) {
        IdentityLabels labels = identities.get(id);
        if (labels == null) {
            return List.of();
        }
        List<Selector> out = new ArrayList<>();
        for (Selector s : candidates(labels.value(NAMESPACE_KEY))) {
            if (entries.get(s).selected.contains(id)) {
                out.add(s);
            }
        }
        return out;
    }

    private List<Selector> candidates(String ns) {
        List<Selector> out = new ArrayList<>(unscoped);
        if (ns != null) {
            out.addAll(selectorsByNamespace.getOrDefault(ns, Set.of()));
        }
        return out;
    }

    /** The namespace every identity the selector selects must be in, or null. */
    static String scope(Selector selector) {
        String ns = selector.pinnedValue(NAMESPACE_KEY);
        return ns != null ? ns : selector.pinnedValue("any:io.kubernetes.pod.namespace");
    }
}
