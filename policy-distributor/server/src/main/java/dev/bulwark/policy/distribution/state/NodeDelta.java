package dev.bulwark.policy.distribution.state;

import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The change that takes an agent from one {@link NodeView} to another, in the wire format's terms:
 * ipcache upserts and deletes, per-endpoint changes, removed endpoints; or, with {@code fullState}, the
 * complete target view. Pure: {@code between(a, b).applyTo(a).equals(b)} for every pair of views (the
 * property {@code NodeDeltaSimulationTest} checks).
 */
public record NodeDelta(boolean fullState, Map<String, IpcacheMapping> ipcacheUpserts, Set<String> ipcacheDeletes,
                        List<EndpointChange> endpoints, Set<String> removedEndpoints) {

    public NodeDelta {
        ipcacheUpserts = Map.copyOf(ipcacheUpserts);
        ipcacheDeletes = Set.copyOf(ipcacheDeletes);
        endpoints = List.copyOf(endpoints);
        removedEndpoints = Set.copyOf(removedEndpoints);
        if (fullState && (!ipcacheDeletes.isEmpty() || !removedEndpoints.isEmpty())) {
            throw new IllegalArgumentException("a full state carries no deletes");
        }
    }

    public static final NodeDelta NONE = new NodeDelta(false, Map.of(), Set.of(), List.of(), Set.of());

    /** The complete view as a full-state delta. */
    public static NodeDelta full(NodeView to) {
        List<EndpointChange> endpoints = new ArrayList<>();
        new TreeMap<>(to.endpoints()).values().forEach(e -> endpoints.add(EndpointChange.replacing(e)));
        return new NodeDelta(true, to.ipcache(), Set.of(), endpoints, Set.of());
    }

    /** The delta from {@code from} to {@code to}, comparing every ipcache prefix. */
    public static NodeDelta between(NodeView from, NodeView to) {
        Set<String> prefixes = new HashSet<>(from.ipcache().keySet());
        prefixes.addAll(to.ipcache().keySet());
        return between(from, to, prefixes);
    }

    /**
     * The delta from {@code from} to {@code to} when only {@code changedPrefixes} may differ between the
     * two ipcaches (the history knows which prefixes a run of revisions touched).
     */
    public static NodeDelta between(NodeView from, NodeView to, Set<String> changedPrefixes) {
        Map<String, IpcacheMapping> upserts = new HashMap<>();
        Set<String> deletes = new HashSet<>();
        if (from.ipcache() != to.ipcache()) {
            for (String prefix : changedPrefixes) {
                IpcacheMapping before = from.ipcache().get(prefix);
                IpcacheMapping after = to.ipcache().get(prefix);
                if (after == null && before != null) {
                    deletes.add(prefix);
                } else if (after != null && !after.equals(before)) {
                    upserts.put(prefix, after);
                }
            }
        }
        List<EndpointChange> changes = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        if (from.endpoints() != to.endpoints()) {
            for (EndpointState after : new TreeMap<>(to.endpoints()).values()) {
                EndpointState before = from.endpoints().get(after.name());
                if (before == null) {
                    changes.add(EndpointChange.replacing(after));
                } else if (before != after && !before.equals(after)) {
                    changes.add(endpointDelta(before, after));
                }
            }
            from.endpoints().keySet().stream().filter(n -> !to.endpoints().containsKey(n)).forEach(removed::add);
        }
        return new NodeDelta(false, upserts, deletes, changes, removed);
    }

    private static EndpointChange endpointDelta(EndpointState before, EndpointState after) {
        TreeMap<PolicyKey, PolicyEntry> adds = new TreeMap<>();
        Set<PolicyKey> removes = new HashSet<>();
        var was = before.mapState().entries();
        var now = after.mapState().entries();
        now.forEach((k, v) -> {
            if (!v.equals(was.get(k))) {
                adds.put(k, v);
            }
        });
        was.keySet().stream().filter(k -> !now.containsKey(k)).forEach(removes::add);
        if (adds.size() + removes.size() >= now.size() && !now.isEmpty()) {
            return EndpointChange.replacing(after);
        }
        return new EndpointChange(after.name(), after.identity(), after.ips(), false, adds, removes);
    }

    public boolean isEmpty() {
        return !fullState && ipcacheUpserts.isEmpty() && ipcacheDeletes.isEmpty() && endpoints.isEmpty()
                && removedEndpoints.isEmpty();
    }

    /** The view an agent holds after applying this delta on top of {@code from}. */
    public NodeView applyTo(NodeView from) {
        Map<String, IpcacheMapping> ipcache = fullState ? new HashMap<>() : new HashMap<>(from.ipcache());
        ipcacheDeletes.forEach(ipcache::remove);
        ipcache.putAll(ipcacheUpserts);
        Map<String, EndpointState> endpointsAfter = fullState ? new HashMap<>() : new HashMap<>(from.endpoints());
        removedEndpoints.forEach(endpointsAfter::remove);
        for (EndpointChange change : endpoints) {
            EndpointState before = endpointsAfter.get(change.name());
            MapState.Builder builder = MapState.builder();
            if (!change.replace() && before != null) {
                before.mapState().entries().forEach(builder::put);
            }
            change.asUpdates().forEach((k, v) -> {
                if (v == null) {
                    builder.remove(k);
                } else {
                    builder.put(k, v);
                }
            });
            endpointsAfter.put(change.name(), EndpointState.of(change.name(), change.identity(), change.ips(), builder.build()));
        }
        return NodeView.copyOf(ipcache, endpointsAfter);
    }
}
