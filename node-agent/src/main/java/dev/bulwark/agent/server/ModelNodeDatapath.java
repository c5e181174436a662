package dev.bulwark.agent.server;

import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.datapath.PolicyMap;
import dev.bulwark.agent.registry.EndpointRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The model datapath behind the agent (bpf() refused): same maps and semantics, nothing enforced. Its maps
 * live in this process, so a restored endpoint starts with an empty map until the first policy state.
 */
final class ModelNodeDatapath implements AgentDatapath {

    private final ModelDatapath model;
    private final Map<String, Integer> endpoints = new HashMap<>();
    private int nextIndex = 1000;

    ModelNodeDatapath(ModelDatapath model) {
        this.model = model;
    }

    @Override
    public IpcacheMap ipcache() {
        return model.ipcache();
    }

    @Override
    public Optional<PolicyMap> policyMap(String name) {
        return Optional.ofNullable(endpoints.get(name)).map(model::endpoint);
    }

    @Override
    public void setEndpointIdentity(String name, int identity) {
        Integer i = endpoints.get(name);
        if (i != null) {
            model.setEndpointIdentity(i, identity);
        }
    }

    @Override
    public AuthMap auth() {
        return model.auth();
    }

    ModelDatapath model() {
        return model;
    }

    @Override
    public boolean enforcing() {
        return false;
    }

    int attach(String name) {
        return endpoints.computeIfAbsent(name, n -> nextIndex++);
    }

    @Override
    public int attach(EndpointRecord r) {
        return attach(r.name());
    }

    boolean detach(String name) {
        Integer i = endpoints.remove(name);
        if (i != null) {
            model.removeEndpoint(i);
        }
        return i != null;
    }

    @Override
    public boolean detach(EndpointRecord r) {
        return detach(r.name());
    }

    /**
     * Only the namespace file is checked: entering it to look for the interface needs privileges the model
     * datapath runs without. A file that cannot be examined (no permission) counts as present.
     */
    @Override
    public Restored restore(EndpointRecord r) {
        if (Files.notExists(Path.of(r.netns()))) {
            return new Gone("network namespace " + r.netns() + " is gone");
        }
        return new Reattached(attach(r));
    }

    @Override
    public SortedSet<String> pinsWithout(Collection<String> names) {
        return new TreeSet<>(); // nothing is pinned: the model's maps live in this process
    }
}
