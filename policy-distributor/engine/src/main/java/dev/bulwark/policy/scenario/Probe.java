package dev.bulwark.policy.scenario;

import dev.bulwark.model.policy.Protocols;

/**
 * One flow to decide: {@code from}/{@code to} are {@code namespace/pod} or a bare IP outside the cluster.
 *
 * @param expect the verdict the scenario says the flow must get
 */
public record Probe(String from, String to, int port, int protocol, Verdict expect) {

    /** {@code 80/TCP}. */
    public String portLabel() {
        return port + "/" + Protocols.name(protocol);
    }
}
