package dev.bulwark.policy.compile;

import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.L7Rules;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One endpoint's desired and installed map state inside the engine, held as slices by remote identity
 * (identity → its entries), because that is the unit deltas replace: replacing a slice is a hash lookup,
 * not a walk of a large sorted map. While the desired state fits the entry limit the installed state
 * is the same object; when it does not, the installed state freezes at the last good state (or empties,
 * under lockdown) and the endpoint reports overflow until the desired state fits again. Deltas are
 * always computed against what is installed.
 */
final class EndpointState {

    private final String name;
    private final EngineConfig config;
    private NumericIdentity identity;
    private List<NamedPort> ports = List.of();
    private Slices desired = new Slices();
    private Map<Integer, Map<PolicyKey, L7Rules>> l7 = new HashMap<>();
    private Slices installed = desired;
    private boolean overflowed;
    private boolean everInstalled;
    private List<String> ingressIsolatedBy = List.of();
    private List<String> egressIsolatedBy = List.of();

    /** Entries grouped by remote identity, with their total count. */
    private static final class Slices {
        final Map<Integer, Map<PolicyKey, PolicyEntry>> byRemote = new HashMap<>();
        int size;

        static Slices of(Map<PolicyKey, PolicyEntry> entries) {
            Slices s = new Slices();
            entries.forEach((k, v) -> s.byRemote.computeIfAbsent(k.remoteIdentity(), r -> new HashMap<>()).put(k, v));
            s.size = entries.size();
            return s;
        }

        Slices copy() {
            Slices s = new Slices();
            byRemote.forEach((r, m) -> s.byRemote.put(r, new HashMap<>(m)));
            s.size = size;
            return s;
        }

        Map<PolicyKey, PolicyEntry> get(int remote) {
            return byRemote.getOrDefault(remote, Map.of());
        }

        void replace(int remote, Map<PolicyKey, PolicyEntry> entries) {
            Map<PolicyKey, PolicyEntry> old = byRemote.remove(remote);
            size -= old == null ? 0 : old.size();
            if (!entries.isEmpty()) {
                byRemote.put(remote, new HashMap<>(entries));
                size += entries.size();
            }
        }

        Map<PolicyKey, PolicyEntry> flat() {
            Map<PolicyKey, PolicyEntry> out = new HashMap<>(size * 2);
            byRemote.values().forEach(out::putAll);
            return out;
        }
    }

    EndpointState(String name, EngineConfig config) {
        this.name = name;
        this.config = config;
    }

    void bind(NumericIdentity id, List<NamedPort> namedPorts) {
        this.identity = id;
        this.ports = namedPorts;
    }

    NumericIdentity identity() {
        return identity;
    }

    List<NamedPort> ports() {
        return ports;
    }

    EndpointPolicy snapshot() {
        Map<PolicyKey, L7Rules> flatL7 = new HashMap<>();
        l7.values().forEach(flatL7::putAll);
        return new EndpointPolicy(name, identity, MapState.of(installed.flat()), desired.size, overflowed,
                ingressIsolatedBy, egressIsolatedBy, flatL7);
    }

    void replaceAll(EndpointCompiler.Compiled c, List<String> ingress, List<String> egress,
                    Map<String, EndpointDelta> deltas, List<EngineEvent> events) {
        ingressIsolatedBy = ingress;
        egressIsolatedBy = egress;
        Slices before = installed;
        desired = Slices.of(c.entries());
        l7 = new HashMap<>();
        c.l7().forEach((k, v) -> l7.computeIfAbsent(k.remoteIdentity(), r -> new HashMap<>()).put(k, v));
        reinstall(before, deltas, events);
    }

    void replaceSlice(int remote, EndpointCompiler.Compiled c, Map<String, EndpointDelta> deltas, List<EngineEvent> events) {
        Map<PolicyKey, PolicyEntry> old = desired.get(remote);
        Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
        Set<PolicyKey> removals = new HashSet<>();
        diff(old, c.entries(), upserts, removals);
        Map<PolicyKey, L7Rules> oldL7 = l7.getOrDefault(remote, Map.of());
        if (upserts.isEmpty() && removals.isEmpty() && oldL7.equals(c.l7())) {
            return;
        }
        if (c.l7().isEmpty()) {
            l7.remove(remote);
        } else {
            l7.put(remote, new HashMap<>(c.l7()));
        }
        int newSize = desired.size - old.size() + c.entries().size();
        if (!overflowed && newSize <= config.entryLimit()) {
            desired.replace(remote, c.entries()); // installed is the same object
            record(deltas, upserts, removals);
            return;
        }
        Slices before = installed;
        if (!overflowed) {
            installed = desired.copy(); // the last good state, before this change
            before = installed;
        }
        desired.replace(remote, c.entries());
        reinstall(before, deltas, events);
    }

    /** Installs the desired state if it fits, else applies the overflow mode; records the delta from {@code before}. */
    private void reinstall(Slices before, Map<String, EndpointDelta> deltas, List<EngineEvent> events) {
        boolean wasOverflowed = overflowed;
        if (desired.size <= config.entryLimit()) {
            installed = desired;
            overflowed = false;
            if (wasOverflowed) {
                events.add(new EngineEvent.Recovered(name, desired.size));
            }
        } else {
            if (config.overflowMode() == OverflowMode.LOCKDOWN || !everInstalled) {
                installed = new Slices();
            } else if (installed == desired) {
                throw new IllegalStateException("last good state of " + name + " was overwritten");
            }
            overflowed = true;
            if (!wasOverflowed) {
                events.add(new EngineEvent.Overflow(name, desired.size, config.entryLimit(), config.overflowMode()));
            }
        }
        everInstalled = everInstalled || !overflowed;
        Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
        Set<PolicyKey> removals = new HashSet<>();
        Set<Integer> remotes = new HashSet<>(before.byRemote.keySet());
        remotes.addAll(installed.byRemote.keySet());
        for (int r : remotes) {
            diff(before.get(r), installed.get(r), upserts, removals);
        }
        record(deltas, upserts, removals);
    }

    private void record(Map<String, EndpointDelta> deltas, Map<PolicyKey, PolicyEntry> upserts, Set<PolicyKey> removals) {
        EndpointDelta prior = deltas.get(name);
        if (prior != null) {
            Map<PolicyKey, PolicyEntry> u = new HashMap<>(prior.upserts());
            Set<PolicyKey> r = new HashSet<>(prior.removals());
            for (PolicyKey k : removals) {
                u.remove(k);
                r.add(k);
            }
            for (Map.Entry<PolicyKey, PolicyEntry> e : upserts.entrySet()) {
                r.remove(e.getKey());
                u.put(e.getKey(), e.getValue());
            }
            upserts = u;
            removals = r;
        }
        deltas.put(name, new EndpointDelta(name, upserts, removals, false));
    }

    private static void diff(Map<PolicyKey, PolicyEntry> before, Map<PolicyKey, PolicyEntry> after,
                             Map<PolicyKey, PolicyEntry> upserts, Set<PolicyKey> removals) {
        for (Map.Entry<PolicyKey, PolicyEntry> e : after.entrySet()) {
            if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                upserts.put(e.getKey(), e.getValue());
            }
        }
        for (PolicyKey k : before.keySet()) {
            if (!after.containsKey(k)) {
                removals.add(k);
            }
        }
    }
}
