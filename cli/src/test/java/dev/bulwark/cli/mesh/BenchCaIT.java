package dev.bulwark.cli.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.CliRun;
import org.junit.jupiter.api.Test;

/** {@code bulwark bench ca} runs its four figures end to end (MeshCA and TLS on loopback) and reports them. */
class BenchCaIT {

    @Test
    void reportsEveryFigureAndItsRatioToRawSignatures() throws Exception {
        CliRun run = CliRun.of("bench", "ca", "--seconds", "1", "--warmup", "0", "--rounds", "1", "--threads", "1",
                "--concurrency", "2", "-o", "json");

        assertEquals(0, run.code(), run.err());
        JsonNode doc = new ObjectMapper().readTree(run.out());
        double raw = doc.get("raw_ecdsa_p256_signatures_per_s").asDouble();
        assertTrue(raw > 0, run.out());
        assertTrue(doc.get("inprocess_svids_per_s").asDouble() > 0, run.out());
        assertEquals(doc.get("inprocess_svids_per_s").asDouble() / raw, doc.get("inprocess_to_raw").asDouble(), 1e-9);
        assertEquals(doc.get("grpc_svids_per_s").asDouble() / raw, doc.get("grpc_to_raw").asDouble(), 1e-9);
        assertTrue(doc.has("tls13_handshakes_per_s") && doc.has("load_average_1m"), run.out());
        assertEquals(doc.get("inprocess_to_raw").asDouble() >= 0.5, doc.get("target_50pct_inprocess_met").asBoolean());
    }

    @Test
    void badNumbersAreAUsageError() {
        CliRun run = CliRun.of("bench", "ca", "--seconds", "0");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--seconds"), run.err());
    }
}
