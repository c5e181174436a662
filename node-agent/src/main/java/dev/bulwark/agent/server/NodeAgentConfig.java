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

    private static final Path BPFFS = Path.of("/sys/fs/bpf");

    /**
     * The state directory that goes with {@code pinRoot}: the registry describes those pins, so two agents
     * with different pin roots never share one. bpffs holds only pins, so for a pin root on it the registry
     * lives under /var/run/bulwark (tmpfs, cleared on reboot like the pins): /sys/fs/bpf/bulwark →
     * /var/run/bulwark/agent, /sys/fs/bpf/NAME → /var/run/bulwark/agent-NAME. Any other pin root (a
     * model-datapath directory) gets {@code PIN_ROOT.state} beside it.
     */
    public static Path defaultStateDir(Path pinRoot) {
        Path p = pinRoot.toAbsolutePath().normalize();
        if (p.getFileName() == null) {
            throw new IllegalArgumentException("pinRoot: a directory below / is required, got " + pinRoot);
        }
        if (p.startsWith(BPFFS) && !p.equals(BPFFS)) {
            String name = BPFFS.relativize(p).toString().replace('/', '-');
            return Path.of("/var/run/bulwark", name.equals("bulwark") ? "agent" : "agent-" + name);
        }
        return p.resolveSibling(p.getFileName() + ".state");
    }

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
