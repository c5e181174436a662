package dev.bulwark.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.cli.CliRun;
import dev.bulwark.cli.ExitCode;
import org.junit.jupiter.api.Test;

/** Bad mTLS options of {@code agent start}, {@code allocator start}, {@code distributor start}: usage errors naming the option. */
class ControlPlaneTlsOptionsTest {

    @Test
    void meshCaNeedsTrustDomainBundleAndToken() {
        CliRun r = CliRun.of("agent", "start", "--node", "n1", "--datapath", "model", "--mesh-ca", "127.0.0.1:1");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--mesh-ca: needs --trust-domain and --trust-bundle"), r.err());
    }

    @Test
    void tlsDirAndMeshCaExcludeEachOther() {
        CliRun r = CliRun.of("agent", "start", "--node", "n1", "--datapath", "model", "--mesh-ca", "127.0.0.1:1",
                "--tls-dir", "/nonexistent");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--tls-dir and --mesh-ca"), r.err());
    }

    @Test
    void aMissingTlsDirNamesTheFile() {
        CliRun agent = CliRun.of("agent", "start", "--node", "n1", "--datapath", "model", "--tls-dir", "/nonexistent/tls");
        assertEquals(ExitCode.USAGE, agent.code(), agent.err());
        assertTrue(agent.err().contains("/nonexistent/tls/svid.pem: cannot read"), agent.err());
        CliRun allocator = CliRun.of("allocator", "start", "--id", "n1", "--peers", "n1=127.0.0.1:7100", "--data", "/tmp/unused",
                "--cluster-id", "1", "--tls-dir", "/nonexistent/tls");
        assertEquals(ExitCode.USAGE, allocator.code(), allocator.err());
        assertTrue(allocator.err().contains("/nonexistent/tls/svid.pem: cannot read"), allocator.err());
        CliRun distributor = CliRun.of("distributor", "start", "--identity", "127.0.0.1:7100", "--watch", ".",
                "--tls-dir", "/nonexistent/tls");
        assertEquals(ExitCode.USAGE, distributor.code(), distributor.err());
        assertTrue(distributor.err().contains("/nonexistent/tls/svid.pem: cannot read"), distributor.err());
        CliRun identity = CliRun.of("identity", "list", "--allocators", "127.0.0.1:1", "--tls-dir", "/nonexistent/tls");
        assertEquals(ExitCode.USAGE, identity.code(), identity.err());
        assertTrue(identity.err().contains("--tls-dir: /nonexistent/tls/svid.pem: cannot read"), identity.err());
    }
}
