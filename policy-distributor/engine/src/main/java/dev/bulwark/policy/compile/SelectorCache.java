package dev.bulwark.policy.compile;

import dev.bulwark.policy.api.IdentityLabels;
import dev.bulwark.policy.api.Requirement;
import dev.bulwark.policy.api.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each distinct selector in use, and the identities it selects, kept current as identities come and
 * go. A selector that pins a label ({@code key=v}, as {@code app=x} or the pod namespace every
 * namespaced policy pins) can only select identities carrying that label value, so it is filed under
 * one such pin (a non-namespace one when it has one: namespaces hold thousands of selectors, an app
 * label a few); a new or vanished identity is then checked against the selectors filed under its own
 * label values and the unpinned ones, not against every selector of its namespace (ns0 of the policy
 * benchmark holds 20,000 and matching them all was most of a delta's cost there). The index holds the
 * entries themselves, so identity churn never hashes a selector. Not thread-safe: owned by one
 * {@link PolicyEngine}.
 */
public final class SelectorCache implements EndpointCompiler.Selections {

    static final String NAMESPACE_KEY = "k8s:io.kubernetes.pod.namespace";
    private static final String ANY_NAMESPACE_KEY = "any:io.kubernetes.pod.namespace";

    private final Map<Integer, IdentityLabels> identities = new HashMap<>();
    private final Map<String, Set<Integer>> identitiesByNamespace = new HashMap<>();
    private final Map<Selector, Entry> entries = new HashMap<>();
    /** Selectors by the label value they pin; insertion-ordered so a delta's order is reproducible. */
    private final Map<Pin, Set<Entry>> pinned = new HashMap<>();
    private final Set<Entry> unpinned = new LinkedHashSet<>();
    /**
     * Lookups by selector object: rules hold their own (equal) selector instances, and hashing a
     * selector's requirement list on every lookup dominated slice recompiles. Cleared on unregister.
     */
    private final Map<Selector, Entry> byInstance = new java.util.IdentityHashMap<>();

    private record Pin(String key, String value) {
    }

    private static final class Entry {
        final Selector selector;
        final Pin pin;
        final Set<Integer> selected = new HashSet<>();
        final Set<Integer> view = Collections.unmodifiableSet(selected);
        int users;

        Entry(Selector selector, Pin pin) {
            this.selector = selector;
            this.pin = pin;
        }
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
        e = new Entry(selector, pin(selector));
        e.users = 1;
        entries.put(selector, e);
        if (e.pin == null) {
            unpinned.add(e);
        } else {
            pinned.computeIfAbsent(e.pin, k -> new LinkedHashSet<>()).add(e);
        }
        String ns = scope(selector);
        if (ns == null) {
            identities.forEach((id, labels) -> add(selector, id, labels));
        } else {
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

    /** The label value the selector is filed under: a non-namespace pin if it has one, else the namespace's, else null. */
    private static Pin pin(Selector selector) {
        Pin namespace = null;
        for (Requirement r : selector.requirements()) {
            if (r.operator() == Requirement.Operator.IN && r.values().size() == 1) {
                Pin p = new Pin(r.key(), r.values().getFirst());
                if (!r.key().equals(NAMESPACE_KEY) && !r.key().equals(ANY_NAMESPACE_KEY)) {
                    return p;
                }
                namespace = namespace == null ? p : namespace;
            }
        }
        return namespace;
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
        if (e.pin == null) {
            unpinned.remove(e);
        } else {
            Set<Entry> set = pinned.get(e.pin);
            set.remove(e);
            if (set.isEmpty()) {
                pinned.remove(e.pin);
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
        for (Entry e : candidates(labels)) {
            if (e.selector.matches(labels)) {
                e.selected.add(id);
                changed.add(e.selector);
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
        for (Entry e : candidates(labels)) {
            if (e.selected.remove(id)) {
                changed.add(e.selector);
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
        for (Entry e : candidates(labels)) {
            if (e.selected.contains(id)) {
                out.add(e.selector);
            }
        }
        return out;
    }

    /** The entries that may select an identity with these labels: the unpinned, and those pinned on one of its values. */
    private List<Entry> candidates(IdentityLabels labels) {
        List<Entry> out = new ArrayList<>(unpinned);
        labels.values().forEach((key, value) -> {
            Set<Entry> set = pinned.get(new Pin(key, value));
            if (set != null) {
                out.addAll(set);
            }
        });
        return out;
    }

    /** The namespace every identity the selector selects must be in, or null. */
    static String scope(Selector selector) {
        String ns = selector.pinnedValue(NAMESPACE_KEY);
        return ns != null ? ns : selector.pinnedValue(ANY_NAMESPACE_KEY);
    }
}
