package dev.bulwark.agent.server;

import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.datapath.PolicyMap;
import dev.bulwark.agent.sync.NodeDatapath;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The model datapath behind the agent (bpf() refused): same maps and semantics, nothing enforced. */
final class ModelNodeDatapath implements NodeDatapath {

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

    boolean detach(String name) {
        Integer i = endpoints.remove(name);
        if (i != null) {
            model.removeEndpoint(i);
        }
        return i != null;
    }
}
