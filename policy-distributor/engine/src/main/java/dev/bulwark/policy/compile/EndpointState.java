package dev.bulwark.policy.compile;

import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.policy.Direction;
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
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One endpoint's desired and installed map state inside the engine. While the desired state fits the
 * entry limit the two are the same map; when it does not, the installed map freezes at the last good
 * state (or empties, under lockdown) and the endpoint reports overflow until the desired state fits
 * again. Deltas are always computed against what is installed.
 */
final class EndpointState {

    private final String name;
    private final EngineConfig config;
    private NumericIdentity identity;
    private List<NamedPort> ports = List.of();
    private TreeMap<PolicyKey, PolicyEntry> desired = new TreeMap<>(KeyOrder.INSTANCE);
    private TreeMap<PolicyKey, L7Rules> l7 = new TreeMap<>(KeyOrder.INSTANCE);
    private TreeMap<PolicyKey, PolicyEntry> installed = new TreeMap<>(KeyOrder.INSTANCE);
    private boolean overflowed;
    private boolean everInstalled;
    private List<String> ingressIsolatedBy = List.of();
    private List<String> egressIsolatedBy = List.of();

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
        return new EndpointPolicy(name, identity, MapState.of(installed), desired.size(), overflowed,
                ingressIsolatedBy, egressIsolatedBy, l7);
    }

    List<String> isolatedBy(Direction d) {
        return d == Direction.INGRESS ? ingressIsolatedBy : egressIsolatedBy;
    }

    void replaceAll(EndpointCompiler.Compiled c, List<String> ingress, List<String> egress,
                    Map<String, EndpointDelta> deltas, List<EngineEvent> events) {
        ingressIsolatedBy = ingress;
        egressIsolatedBy = egress;
        desired = c.entries();
        l7 = c.l7();
        reinstall(deltas, events);
    }

    void replaceSlice(int remote, EndpointCompiler.Compiled c, Map<String, EndpointDelta> deltas, List<EngineEvent> events) {
        SortedMap<PolicyKey, PolicyEntry> slice = slice(desired, remote);
        SortedMap<PolicyKey, L7Rules> l7Slice = slice(l7, remote);
        Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
        Set<PolicyKey> removals = new HashSet<>();
        diff(slice, c.entries(), upserts, removals);
        if (upserts.isEmpty() && removals.isEmpty() && l7Slice.equals(c.l7())) {
            return;
        }
        int newSize = desired.size() - slice.size() + c.entries().size();
        if (!overflowed && newSize <= config.entryLimit()) {
            slice.clear();
            desired.putAll(c.entries());
            l7Slice.clear();
            l7.putAll(c.l7());
            installed = desired;
            record(deltas, upserts, removals);
            return;
        }
        if (!overflowed) {
            installed = copy(desired); // the last good state, before this change
        }
        slice.clear();
        desired.putAll(c.entries());
        l7Slice.clear();
        l7.putAll(c.l7());
        reinstall(deltas, events);
    }

    /** Installs the desired state if it fits, else applies the overflow mode; records the delta. */
    private void reinstall(Map<String, EndpointDelta> deltas, List<EngineEvent> events) {
        TreeMap<PolicyKey, PolicyEntry> before = installed;
        boolean wasOverflowed = overflowed;
        if (desired.size() <= config.entryLimit()) {
            installed = desired;
            overflowed = false;
            if (wasOverflowed) {
                events.add(new EngineEvent.Recovered(name, desired.size()));
            }
        } else {
            if (config.overflowMode() == OverflowMode.LOCKDOWN || !everInstalled) {
                installed = new TreeMap<>(KeyOrder.INSTANCE);
            } else if (installed == desired) {
                throw new IllegalStateException("last good state of " + name + " was overwritten");
            }
            overflowed = true;
            if (!wasOverflowed) {
                events.add(new EngineEvent.Overflow(name, desired.size(), config.entryLimit(), config.overflowMode()));
            }
        }
        everInstalled = everInstalled || !overflowed;
        Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
        Set<PolicyKey> removals = new HashSet<>();
        diff(before, installed, upserts, removals);
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

    private static TreeMap<PolicyKey, PolicyEntry> copy(TreeMap<PolicyKey, PolicyEntry> map) {
        TreeMap<PolicyKey, PolicyEntry> out = new TreeMap<>(KeyOrder.INSTANCE);
        out.putAll(map);
        return out;
    }

    private static <V> SortedMap<PolicyKey, V> slice(TreeMap<PolicyKey, V> map, int remote) {
        PolicyKey from = new PolicyKey(remote, Direction.INGRESS, 0, 0, 0);
        if (remote == -1) {
            return map.tailMap(from, true);
        }
        return map.subMap(from, new PolicyKey(remote + 1, Direction.INGRESS, 0, 0, 0));
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
