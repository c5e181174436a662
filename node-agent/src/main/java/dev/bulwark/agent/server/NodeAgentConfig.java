package dev.bulwark.agent.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's validated configuration.
 *
 * @param nodeName          Kubernetes node name this agent enforces for (1..253 chars)
 * @param distributorHost   policy-distributor host
 * @param distributorPort   its gRPC port (1..65535)
 * @param apiHost           bind address of the local endpoint/status/metrics API (loopback by default)
 * @param apiPort           its port (0 = any free port)
 * @param pinRoot           bpffs directory holding the pinned maps and links
 * @param datapath          KERNEL (refuse to start without bpf()), MODEL (never touch the kernel), or AUTO
 *                          (kernel when bpf() works, else the model datapath with a loud warning)
 * @param minBackoff        first reconnect delay; doubles up to {@code maxBackoff}
 * @param maxBackoff        reconnect delay cap
 * @param identityTarget    HOST:PORT of an identity allocator for endpoint identities; null = none
 *                          (identities then come only from the distributor's endpoint deltas)
 * @param stateDir          directory of the endpoint registry ({@code endpoints.json}), written on every attach
 *                          and detach and restored on start; null = endpoints are kept in memory only
 */
public record NodeAgentConfig(String nodeName, String distributorHost, int distributorPort, String apiHost, int apiPort,
                              Path pinRoot, Mode datapath, Duration minBackoff, Duration maxBackoff,
                              String identityTarget, Path stateDir) {

    /** Which datapath the agent runs. */
    public enum Mode { AUTO, KERNEL, MODEL }

    /** The default {@code --state-dir}: beside the agent's other runtime state, wiped on reboot like the pins. */
    public static final String DEFAULT_STATE_DIR = "/var/run/bulwark/agent";

    /** An agent without a state directory: its endpoints are not restored after a restart (embedded stacks, tests). */
    public NodeAgentConfig(String nodeName, String distributorHost, int distributorPort, String apiHost, int apiPort,
                           Path pinRoot, Mode datapath, Duration minBackoff, Duration maxBackoff, String identityTarget) {
        this(nodeName, distributorHost, distributorPort, apiHost, apiPort, pinRoot, datapath, minBackoff, maxBackoff,
                identityTarget, null);
    }

    public NodeAgentConfig {
        if (datapath == null) {
            throw new IllegalArgumentException("datapath: AUTO, KERNEL or MODEL required");
        }
        if (nodeName == null || nodeName.isEmpty() || nodeName.length() > 253) {
            throw new IllegalArgumentException("nodeName: 1..253 characters required, got \"" + nodeName + "\"");
        }
        if (distributorPort < 1 || distributorPort > 65_535) {
            throw new IllegalArgumentException("distributorPort: 1..65535, got " + distributorPort);
        }
        if (apiPort < 0 || apiPort > 65_535) {
            throw new IllegalArgumentException("apiPort: 0..65535, got " + apiPort);
        }
        if (identityTarget != null && !identityTarget.matches("[^:]+:[0-9]{1,5}")) {
            throw new IllegalArgumentException("identityTarget: expected HOST:PORT, got \"" + identityTarget + "\"");
        }
        if (stateDir != null && stateDir.toString().isEmpty()) {
            throw new IllegalArgumentException("stateDir: a directory path is required (or none: null)");
        }
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("backoff: need 0 < minBackoff <= maxBackoff, got " + minBackoff + ", " + maxBackoff);
        }
    }
}
