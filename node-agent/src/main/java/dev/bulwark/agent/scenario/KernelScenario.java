package dev.bulwark.agent.scenario;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.Protocols;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled scenario as the kernel runner needs it: what the policy compiler produced (each pod's
 * identity and map state, the ipcache) plus the probes to run as real traffic.
 *
 * @param name    for messages
 * @param pods    every pod: "namespace/name", IPv4 address, identity, compiled map state
 * @param ipcache prefix → identity (pod /32s and CIDR identities); addresses outside it are world
 * @param probes  the flows to try, in order
 */
public record KernelScenario(String name, List<Pod> pods, Map<Cidr, Integer> ipcache, List<ProbeSpec> probes) {

    public KernelScenario {
        pods = List.copyOf(pods);
        ipcache = Map.copyOf(ipcache);
        probes = List.copyOf(probes);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Pod p : pods) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("pods: " + p.name() + " appears twice");
            }
        }
        for (int i = 0; i < probes.size(); i++) {
            ProbeSpec p = probes.get(i);
            if (!names.contains(p.from()) && !p.from().matches("[0-9.]+")) {
                throw new IllegalArgumentException("probes[" + i + "].from: " + p.from() + " is neither a pod nor an IPv4 address");
            }
            if (!names.contains(p.to()) && !p.to().matches("[0-9.]+")) {
                throw new IllegalArgumentException("probes[" + i + "].to: " + p.to() + " is neither a pod nor an IPv4 address");
            }
        }
    }

    /** A pod of the scenario. */
    public record Pod(String name, String ip, int identity, MapState policy) {
        public Pod {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(policy, "policy");
        }
    }

    /**
     * One probe: {@code from}/{@code to} are "namespace/pod" or a bare IPv4 address outside the cluster;
     * {@code protocol} is 6, 17 or 132.
     */
    public record ProbeSpec(String from, String to, int port, int protocol) {
        public ProbeSpec {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("probe port " + port + " outside 1..65535");
            }
            if (protocol != Protocols.TCP && protocol != Protocols.UDP && protocol != Protocols.SCTP) {
                throw new IllegalArgumentException("probe protocol " + protocol + ": expected TCP, UDP or SCTP");
            }
        }

        @Override
        public String toString() {
            return from + " -> " + to + " " + port + "/" + Protocols.name(protocol);
        }
    }
}
