package dev.bulwark.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The state directory goes with the pin root, so agents with different pin roots never share a registry. */
class NodeAgentConfigTest {

    @Test
    void eachPinRootHasItsOwnStateDirectory() {
        assertEquals(Path.of("/var/run/bulwark/agent"), NodeAgentConfig.defaultStateDir(Path.of("/sys/fs/bpf/bulwark")));
        assertEquals(Path.of("/var/run/bulwark/agent-node-2"), NodeAgentConfig.defaultStateDir(Path.of("/sys/fs/bpf/node-2/")));
        assertEquals(Path.of("/var/run/bulwark/agent-x-y"), NodeAgentConfig.defaultStateDir(Path.of("/sys/fs/bpf/x/y")));
        assertEquals(Path.of("/tmp/run/a1/bpf.state"), NodeAgentConfig.defaultStateDir(Path.of("/tmp/run/a1/bpf")),
                "outside bpffs: beside the pin root");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeAgentConfig.defaultStateDir(Path.of("/")))
                .getMessage().startsWith("pinRoot:"));
    }

    @Test
    void anEmptyStateDirectoryIsRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NodeAgentConfig("n", "h", 1,
                "127.0.0.1", 0, Path.of("/p"), NodeAgentConfig.Mode.MODEL, Duration.ofMillis(1), Duration.ofMillis(2), null, Path.of("")));
        assertTrue(e.getMessage().startsWith("stateDir:"), e.getMessage());
    }
}
