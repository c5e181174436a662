package dev.bulwark.cli.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.CliRun;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.AttestationVerdict;
import dev.bulwark.mesh.ca.JoinTokens;
import dev.bulwark.mesh.ca.NodeProof;
import dev.bulwark.mesh.server.DirectoryTokenLedger;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark ca ...} and {@code bulwark svid inspect} in-process against a CA directory. */
class CaCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TrustDomain TD = TrustDomain.parse("a.example");

    @TempDir
    Path dir;

    Path ca() {
        return dir.resolve("ca");
    }

    CliRun issue(String... extra) {
        List<String> args = new ArrayList<>(List.of("ca", "issue", "--data-dir", ca().toString(), "--trust-domain", TD.name(),
                "--out-dir", dir.resolve("out").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args);
    }

    static JsonNode json(String line) throws Exception {
        return JSON.readTree(line);
    }

    @Test
    void issueWritesAnOwnerOnlyKeyAndAChainThatInspectAcceptsAgainstTheBundle() throws Exception {
        CliRun issued = issue("--identity", "4242", "-o", "json");
        assertEquals(0, issued.code(), issued.err());
        assertEquals("spiffe://a.example/identity/4242", json(issued.out()).get("spiffeId").asText());
        for (String f : List.of("svid.key", "svid.pem", "bundle.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("out").resolve(f))), f);
        }
        assertTrue(Files.readString(dir.resolve("out/svid.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        CliRun bundle = CliRun.of("ca", "bundle", "--data-dir", ca().toString());
        assertEquals(0, bundle.code(), bundle.err());
        Files.writeString(dir.resolve("bundle.json"), bundle.out());

        CliRun inspect = CliRun.of("svid", "inspect", dir.resolve("out/svid.pem").toString(), "--bundle",
                dir.resolve("bundle.json").toString(), "-o", "json");

        assertEquals(0, inspect.code(), inspect.out() + inspect.err());
        JsonNode doc = json(inspect.out());
        assertTrue(doc.get("valid").asBoolean());
        assertTrue(doc.get("bundleChecked").asBoolean());
        assertEquals("a.example", doc.get("trustDomain").asText());
        assertEquals("/identity/4242", doc.get("path").asText());
        assertEquals(0, doc.get("violations").size());
    }

    @Test
    void inspectOfACaCertificateListsTheLeafRulesItBreaksAndExits1() throws Exception {
        assertEquals(0, issue("--workload", "default/web").code());
        Path root;
        try (Stream<Path> files = Files.walk(ca())) {
            root = files.filter(p -> p.getFileName().toString().equals("root.pem")).findFirst().orElseThrow();
        }

        CliRun inspect = CliRun.of("svid", "inspect", root.toString(), "-o", "json");

        assertEquals(1, inspect.code(), inspect.out() + inspect.err());
        String violations = json(inspect.out()).get("violations").toString();
        assertTrue(violations.contains("CA:FALSE"), violations);
        assertTrue(violations.contains("non-root path"), violations);
        assertTrue(violations.contains("keyCertSign"), violations);
        CliRun table = CliRun.of("svid", "inspect", root.toString());
        assertEquals(1, table.code());
        assertTrue(table.out().contains("BROKEN RULES"), table.out());
    }

    @Test
    void inspectOfACertificateWithTwoUriSansAndNoKeyUsageSaysSo() throws Exception {
        Path ks = dir.resolve("bad.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "bad", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=bad", "-ext", "san=uri:spiffe://a.example/one,uri:spiffe://a.example/two",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "test-only").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Process export = new ProcessBuilder(keytool, "-exportcert", "-rfc", "-alias", "bad", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "test-only", "-file", dir.resolve("bad.pem").toString())
                .redirectErrorStream(true).start();
        export.getInputStream().readAllBytes();
        assertEquals(0, export.waitFor());

        CliRun inspect = CliRun.of("svid", "inspect", dir.resolve("bad.pem").toString(), "-o", "json");

        assertEquals(1, inspect.code());
        JsonNode doc = json(inspect.out());
        assertTrue(doc.get("spiffeId").isNull());
        String violations = doc.get("violations").toString();
        assertTrue(violations.contains("exactly one URI SAN") && violations.contains("it has 2"), violations);
        assertTrue(violations.contains("keyUsage must be present"), violations);
    }

    @Test
    void inspectOfAFileWithoutACertificateIsAClearError() throws Exception {
        Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        CliRun inspect = CliRun.of("svid", "inspect", dir.resolve("junk.pem").toString());
        assertEquals(1, inspect.code());
        assertTrue(inspect.err().startsWith("error: CERT: "), inspect.err());
    }

    @Test
    void rotatePublishesThePreparedAuthorityBeforeItSigns() throws Exception {
        assertEquals(0, issue("--identity", "1").code());
        TrustBundle before = Jwks.read(TD, CliRun.of("ca", "bundle", "--data-dir", ca().toString()).out());

        CliRun rotate = CliRun.of("ca", "rotate", "--data-dir", ca().toString(), "-o", "json");

        assertEquals(0, rotate.code(), rotate.err());
        List<String> lines = rotate.out().lines().toList();
        assertEquals(2, lines.size(), rotate.out());
        assertEquals("active", json(lines.get(0)).get("state").asText());
        assertEquals("prepared", json(lines.get(1)).get("state").asText());
        TrustBundle after = Jwks.read(TD, CliRun.of("ca", "bundle", "--data-dir", ca().toString()).out());
        assertEquals(2, after.authorities().size());
        assertTrue(after.sequence() > before.sequence());
        String pem = CliRun.of("ca", "bundle", "--data-dir", ca().toString(), "--format", "pem").out();
        assertEquals(2, pem.split("BEGIN CERTIFICATE").length - 1);
        // The prepared generation does not sign yet: a new SVID still chains to generation 1.
        assertEquals(0, issue("--identity", "2").code());
        CliRun inspect = CliRun.of("svid", "inspect", dir.resolve("out/svid.pem").toString(), "-o", "json");
        assertTrue(json(inspect.out()).get("issuer").asText().contains("#1"), inspect.out());
    }

    @Test
    void aTokenIsStoredAsADigestAndIsUsableOnce() throws Exception {
        assertEquals(0, issue("--identity", "1").code());

        CliRun token = CliRun.of("ca", "token", "--data-dir", ca().toString(), "--node", "node-1", "-o", "json");

        assertEquals(0, token.code(), token.err());
        String secret = json(token.out()).get("token").asText();
        try (Stream<Path> files = Files.walk(ca().resolve("join-tokens"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f).contains(secret));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            }
        }
        JoinTokens tokens = new JoinTokens(InstantSource.system(), new SecureRandom(),
                new DirectoryTokenLedger(ca().resolve("join-tokens")));
        assertInstanceOf(AttestationVerdict.Attested.class, tokens.attest("node-1", new NodeProof.JoinToken(secret)));
        assertInstanceOf(AttestationVerdict.Refused.class, tokens.attest("node-1", new NodeProof.JoinToken(secret)));
    }

    @Test
    void badInputNamesTheOptionAndChangesNothing() throws Exception {
        assertEquals(0, issue("--identity", "1").code());
        CliRun wrongTd = CliRun.of("ca", "issue", "--data-dir", ca().toString(), "--trust-domain", "b.example",
                "--identity", "1", "--out-dir", dir.resolve("o2").toString());
        assertEquals(2, wrongTd.code());
        assertTrue(wrongTd.err().contains("--trust-domain") && wrongTd.err().contains("a.example"), wrongTd.err());
        CliRun noTd = CliRun.of("ca", "issue", "--data-dir", dir.resolve("new").toString(), "--identity", "1",
                "--out-dir", dir.resolve("o3").toString());
        assertEquals(2, noTd.code());
        assertTrue(noTd.err().contains("--trust-domain: required"), noTd.err());
        CliRun badId = issue("--id", "spiffe://b.example/x");
        assertEquals(2, badId.code());
        assertTrue(badId.err().contains("--id"), badId.err());
        assertFalse(Files.exists(dir.resolve("o2")) || Files.exists(dir.resolve("o3")));
        CliRun bundle = CliRun.of("ca", "bundle", "--data-dir", dir.resolve("none").toString());
        assertEquals(1, bundle.code());
    }

    @Test
    @SuppressWarnings("try") // the lock only needs to be held
    void aRunningCaHoldsTheDirectory() throws Exception {
        assertEquals(0, issue("--identity", "1").code());
        try (LocalCa held = LocalCa.lock(ca())) {
            CliRun busy = issue("--identity", "2");
            assertEquals(1, busy.code());
            assertTrue(busy.err().contains("in use"), busy.err());
            assertEquals(0, CliRun.of("ca", "bundle", "--data-dir", ca().toString()).code(), "bundle only reads");
        }
    }
}
