package dev.bulwark.policy.compile;

import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.List;
import java.util.Map;

/**
 * One endpoint inside the engine: its identity, named ports and {@link PolicyGroup} (whose state is
 * its desired state). While the desired state fits the entry limit the installed state is the group's;
 * when it does not, the installed state is frozen here at the last good state (or empty, under
 * lockdown or if the endpoint never fit) and the endpoint reports overflow until its group fits again.
 * Owned by one {@link PolicyEngine}; not thread-safe.
 */
final class EndpointState {

    private final String name;
    private NumericIdentity identity;
    private List<NamedPort> ports = List.of();
    private PolicyGroup group;
    /** The installed state while overflowed; null while the group's state is installed. */
    private Map<PolicyKey, PolicyEntry> frozen;
    private boolean everInstalled;

    EndpointState(String name) {
        this.name = name;
    }

    String name() {
        return name;
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

    PolicyGroup group() {
        return group;
    }

    void group(PolicyGroup g) {
        this.group = g;
    }

    Map<PolicyKey, PolicyEntry> frozen() {
        return frozen;
    }

    boolean everInstalled() {
        return everInstalled;
    }

    /** The group's state is installed. */
    void installGroupState() {
        frozen = null;
        everInstalled = true;
    }

    /** Overflowed: {@code installed} stays in the datapath instead of the group's state. */
    void freeze(Map<PolicyKey, PolicyEntry> installed) {
        frozen = Map.copyOf(installed);
    }

    EndpointPolicy snapshot() {
        MapState installed = frozen != null ? MapState.of(frozen) : group.mapState();
        return new EndpointPolicy(name, identity, installed, group.size(), frozen != null,
                group.isolatedBy(Direction.INGRESS), group.isolatedBy(Direction.EGRESS), group.flatL7());
    }
}
