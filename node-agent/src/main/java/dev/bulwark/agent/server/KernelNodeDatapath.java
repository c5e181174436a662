package dev.bulwark.agent.server;

import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.datapath.PolicyMap;
import dev.bulwark.agent.datapath.bpf.KernelDatapath;
import dev.bulwark.agent.netns.NetworkNamespace;
import dev.bulwark.agent.datapath.bpf.Syscalls;
import dev.bulwark.agent.sync.NodeDatapath;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The kernel datapath behind the agent: endpoints are attached by name on the sync thread. */
final class KernelNodeDatapath implements NodeDatapath {

    private record Attached(KernelDatapath.Endpoint endpoint, int ifindex) {
    }

    private final KernelDatapath datapath;
    private final Map<String, Attached> endpoints = new HashMap<>();

    KernelNodeDatapath(KernelDatapath datapath) {
        this.datapath = datapath;
    }

    KernelDatapath kernel() {
        return datapath;
    }

    @Override
    public IpcacheMap ipcache() {
        return datapath.ipcache();
    }

    @Override
    public Optional<PolicyMap> policyMap(String name) {
        return Optional.ofNullable(endpoints.get(name)).map(a -> a.endpoint().policy());
    }

    @Override
    public void setEndpointIdentity(String name, int identity) {
        Attached a = endpoints.get(name);
        if (a != null) {
            a.endpoint().setIdentity(identity);
        }
    }

    @Override
    public AuthMap auth() {
        return datapath.auth();
    }

    @Override
    public boolean enforcing() {
        return true;
    }

    /** Attaches to host interface {@code iface} living in network namespace file {@code netns}. */
    int attach(String name, Path netns, String iface) {
        String id = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        Attached a = NetworkNamespace.callIn(netns, () -> {
            int ifindex = Syscalls.ifIndex(iface);
            return new Attached(datapath.attach(id, ifindex), ifindex);
        });
        endpoints.put(name, a);
        return a.ifindex();
    }

    boolean detach(String name, Path netns) {
        Attached a = endpoints.remove(name);
        if (a == null) {
            return false;
        }
        NetworkNamespace.callIn(netns, () -> {
            datapath.detach(a.endpoint().id(), a.ifindex());
            return null;
        });
        return true;
    }
}
