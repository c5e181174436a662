package dev.bulwark.agent.server;

import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.datapath.PolicyMap;
import dev.bulwark.agent.datapath.bpf.BpfException;
import dev.bulwark.agent.datapath.bpf.KernelDatapath;
import dev.bulwark.agent.datapath.bpf.Syscalls;
import dev.bulwark.agent.netns.NetworkNamespace;
import dev.bulwark.agent.registry.EndpointRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** The kernel datapath behind the agent: endpoints are attached by name on the sync thread. */
final class KernelNodeDatapath implements AgentDatapath {

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

    /** The pin directory name of endpoint {@code name} ("namespace/pod" → "namespace_pod"). */
    static String pinId(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** Attaches to host interface {@code iface} living in network namespace file {@code netns}. */
    int attach(String name, Path netns, String iface) {
        Attached a = NetworkNamespace.callIn(netns, () -> {
            int ifindex = Syscalls.ifIndex(iface);
            return new Attached(datapath.attach(pinId(name), ifindex), ifindex);
        });
        endpoints.put(name, a);
        return a.ifindex();
    }

    @Override
    public int attach(EndpointRecord r) {
        return attach(r.name(), Path.of(r.netns()), r.iface());
    }

    /**
     * Detaches endpoint {@code name}. When its namespace is already gone (a CNI DEL after the sandbox went),
     * the interface and its tc filters went with it, so only the pins are removed.
     */
    boolean detach(String name, Path netns) {
        Attached a = endpoints.remove(name);
        if (a == null) {
            return false;
        }
        if (Files.notExists(netns)) {
            datapath.removePins(a.endpoint().id());
            return true;
        }
        NetworkNamespace.callIn(netns, () -> {
            datapath.detach(a.endpoint().id(), a.ifindex());
            return null;
        });
        return true;
    }

    @Override
    public boolean detach(EndpointRecord r) {
        return detach(r.name(), Path.of(r.netns()));
    }

    @Override
    public Restored restore(EndpointRecord r) {
        Path netns = Path.of(r.netns());
        String id = pinId(r.name());
        if (Files.notExists(netns)) {
            datapath.removePins(id);
            return new Gone("network namespace " + netns + " is gone");
        }
        // The interface is looked up and attached inside the namespace; this thread waits for that thread.
        record Found(Attached attached, String gone) {
        }
        Found found = NetworkNamespace.callIn(netns, () -> {
            int ifindex;
            try {
                ifindex = Syscalls.ifIndex(r.iface());
            } catch (BpfException e) {
                if (e.errno() == BpfException.ENODEV) {
                    return new Found(null, "interface \"" + r.iface() + "\" is gone from " + netns);
                }
                throw e;
            }
            if (r.ifindex() != 0 && ifindex != r.ifindex()) {
                // Same name, another interface (the pod was recreated): the old links died with the old one.
                return new Found(null, "interface " + r.iface() + " in " + netns + " has index " + ifindex + ", was "
                        + r.ifindex() + " when attached: another interface of that name");
            }
            return new Found(new Attached(datapath.attach(id, ifindex), ifindex), null);
        });
        if (found.gone() != null) {
            datapath.removePins(id);
            return new Gone(found.gone());
        }
        endpoints.put(r.name(), found.attached());
        return new Reattached(found.attached().ifindex());
    }

    @Override
    public SortedSet<String> pinsWithout(Collection<String> names) {
        TreeSet<String> out = datapath.pinnedEndpoints();
        names.forEach(n -> out.remove(pinId(n)));
        return out;
    }
}
