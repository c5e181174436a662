package dev.bulwark.cli.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.cli.Bulwark;
import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity commands against three real replicas on loopback: output, exit codes, field-named errors. */
class IdentityCommandsIT {

    @TempDir
    static Path dir;
    static final List<IdentityAllocatorServer> replicas = new ArrayList<>();
    static String allocators;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        for (IdentityAllocatorConfig c : IdentityAllocatorConfig.loopbackCluster(3, dir, 3)) {
            replicas.add(IdentityAllocatorServer.start(c));
        }
        while (replicas.stream().noneMatch(IdentityAllocatorServer::isLeader)) {
            Thread.sleep(50);
        }
        allocators = String.join(",", replicas.stream().map(IdentityAllocatorServer::grpcAddress).toList());
    }

    @AfterAll
    static void stop() throws Exception {
        for (IdentityAllocatorServer r : replicas) {
            r.close();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add(2, "--allocators=" + allocators);
        int code = Bulwark.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void allocateGetListRelease() {
        Run a = run("identity", "allocate", "-o", "json", "k8s:app=web", "k8s:io.kubernetes.pod.namespace=x", "pod-template-hash=abc");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("\"id\":196608"), a.out());
        assertTrue(a.out().contains("\"info_labels\":[\"k8s:pod-template-hash=abc\"]"), a.out());
        Run again = run("identity", "allocate", "app=web", "io.kubernetes.pod.namespace=x");
        assertTrue(again.out().contains("196608") && again.out().contains("false"), again.out());
        Run get = run("identity", "get", "--id", "196608");
        assertEquals(0, get.code(), get.err());
        assertTrue(get.out().contains("k8s:app=web"), get.out());
        Run list = run("identity", "list", "-o", "json");
        assertTrue(list.out().startsWith("[{\"id\":196608"), list.out());
        assertEquals(0, run("identity", "release", "196608").code());
    }

    @Test
    void badInputAndUnknownIdsAreProblemsNamingTheField() {
        Run bad = run("identity", "allocate", "k8s:app=" + "v".repeat(70));
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("labels[0]"), bad.err());
        Run foreign = run("identity", "get", "--id", "70000");
        assertEquals(1, foreign.code());
        assertTrue(foreign.err().contains("INVALID_ARGUMENT: id: 70000 belongs to cluster 1"), foreign.err());
        Run missing = run("identity", "get", "--id", "200000");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("NOT_FOUND"), missing.err());
        Run local = run("identity", "allocate", "cidr:10.0.0.0/8");
        assertEquals(1, local.code());
        assertTrue(local.err().contains("label_sets[0].labels[0]: cidr:10.0.0.0/8"), local.err());
    }
}
