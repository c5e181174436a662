package dev.bulwark.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The endpoint registry's file form: what is written reads back equal; every bad file is refused naming file and field. */
class RegistryFileTest {

    private static final String FILE = "/state/endpoints.json";

    private static final EndpointRecord A = new EndpointRecord("x/a", "/run/netns/cni-1", "lxc0", 12,
            new TreeMap<>(Map.of("app", "web", "io.kubernetes.pod.namespace", "x")), 0xFFFF_FFF0);
    private static final EndpointRecord B = EndpointRecord.of("x/b", "/proc/1/ns/net", "", 0);

    private static String reject(String text) {
        return assertInstanceOf(RegistryFile.Rejected.class, RegistryFile.parse(text, FILE)).message();
    }

    private static EndpointRegistry load(String text) {
        return assertInstanceOf(RegistryFile.Loaded.class, RegistryFile.parse(text, FILE)).registry();
    }

    @Test
    void whatIsWrittenReadsBackEqual() {
        EndpointRegistry r = EndpointRegistry.of(List.of(B, A));
        assertEquals(r, load(RegistryFile.serialise(r)));
        assertEquals(EndpointRegistry.EMPTY, load(RegistryFile.serialise(EndpointRegistry.EMPTY)));
        assertEquals(List.of("x/a", "x/b"), List.copyOf(r.names()), "records in name order");
    }

    @Test
    void theFormIsVersionedJsonWithOptionalFieldsLeftOut() {
        String text = RegistryFile.serialise(EndpointRegistry.of(List.of(A, B)));
        io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(text);
        assertEquals(1, json.getInteger("version"));
        io.vertx.core.json.JsonObject a = json.getJsonArray("endpoints").getJsonObject(0);
        assertEquals("x/a", a.getString("name"));
        assertEquals("/run/netns/cni-1", a.getString("netns"));
        assertEquals("lxc0", a.getString("interface"));
        assertEquals(12, a.getInteger("ifindex"));
        assertEquals(4_294_967_280L, a.getLong("identity"), "identities are unsigned");
        assertEquals("web", a.getJsonObject("labels").getString("app"));
        io.vertx.core.json.JsonObject b = json.getJsonArray("endpoints").getJsonObject(1);
        assertTrue(!b.containsKey("identity") && !b.containsKey("labels"), b.encode());
    }

    @Test
    void onlyNameAndNetnsAreRequiredAndUnknownFieldsAreIgnored() {
        EndpointRegistry r = load("{\"version\":1,\"endpoints\":[{\"name\":\"x/b\",\"netns\":\"/proc/1/ns/net\","
                + "\"addedBy\":\"a later agent\"}],\"writtenAt\":\"2026-12-06\"}");
        assertEquals(EndpointRegistry.of(List.of(B)), r);
    }

    @Test
    void aFileThatIsNotTheRegistryIsRefusedNamingTheFile() {
        assertTrue(reject("").startsWith(FILE + ": not a JSON object"), reject(""));
        assertTrue(reject("{\"version\":1,\"endpoints\":[").startsWith(FILE + ": not a JSON object"));
        assertTrue(reject("[1,2]").startsWith(FILE + ": not a JSON object"), reject("[1,2]"));
    }

    @Test
    void anotherVersionIsRefusedRatherThanGuessedAt() {
        assertEquals(FILE + ": version: \"2\" is not supported; this agent reads version 1",
                reject("{\"version\":2,\"endpoints\":[]}"));
        assertEquals(FILE + ": version: missing; this agent reads version 1", reject("{\"endpoints\":[]}"));
        assertTrue(reject("{\"version\":\"1\",\"endpoints\":[]}").contains("version: \"1\" is not supported"));
    }

    @Test
    void eachBadFieldIsNamedWithItsEndpoint() {
        String ok = "{\"name\":\"x/a\",\"netns\":\"/n\"}";
        Map<String, String> cases = new TreeMap<>(Map.of(
                "{\"version\":1}", "endpoints: expected an array",
                "{\"version\":1,\"endpoints\":[" + ok + ",3]}", "endpoints[1]: expected an object",
                "{\"version\":1,\"endpoints\":[{\"netns\":\"/n\"}]}", "endpoints[0].name: expected a non-empty string",
                "{\"version\":1,\"endpoints\":[" + ok + ",{\"name\":\"x/b\",\"netns\":\"\"}]}", "endpoints[1].netns: expected a non-empty string",
                "{\"version\":1,\"endpoints\":[{\"name\":\"x/a\",\"netns\":\"/n\",\"interface\":7}]}", "endpoints[0].interface: expected a string",
                "{\"version\":1,\"endpoints\":[{\"name\":\"x/a\",\"netns\":\"/n\",\"ifindex\":-1}]}", "endpoints[0].ifindex: expected a whole number in 0..2147483647, got -1",
                "{\"version\":1,\"endpoints\":[{\"name\":\"x/a\",\"netns\":\"/n\",\"identity\":4294967296}]}", "endpoints[0].identity: expected a whole number in 0..4294967295, got 4294967296",
                "{\"version\":1,\"endpoints\":[{\"name\":\"x/a\",\"netns\":\"/n\",\"identity\":1.5}]}", "endpoints[0].identity: expected a whole number in 0..4294967295, got 1.5",
                "{\"version\":1,\"endpoints\":[{\"name\":\"x/a\",\"netns\":\"/n\",\"labels\":{\"app\":1}}]}", "endpoints[0].labels.app: expected a string",
                "{\"version\":1,\"endpoints\":[" + ok + "," + ok + "]}", "endpoints: name: endpoint \"x/a\" appears twice"));
        cases.put("{\"version\":1,\"endpoints\":[{\"name\":\"x/a\",\"netns\":\"/n\",\"labels\":[]}]}",
                "endpoints[0].labels: expected an object of strings");
        cases.forEach((text, field) -> assertEquals(FILE + ": " + field, reject(text), text));
    }

    @Test
    void recordsAreValidatedWhereverTheyAreBuilt() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointRecord.of("", "/n", "", 0))
                .getMessage().startsWith("name:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointRecord.of("x/a", null, "", 0))
                .getMessage().startsWith("netns:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointRecord.of("x/a", "/n", null, 0))
                .getMessage().startsWith("interface:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndpointRecord.of("x/a", "/n", "", -3))
                .getMessage().startsWith("ifindex:"));
    }

    @Test
    void registryChangesMakeNewRegistries() {
        EndpointRegistry one = EndpointRegistry.EMPTY.with(A);
        EndpointRegistry two = one.with(B).with(B.withIdentity(9));
        assertEquals(1, one.size());
        assertEquals(9, two.get("x/b").orElseThrow().identity());
        assertEquals(one, two.without("x/b"));
        assertEquals(EndpointRegistry.EMPTY, one.without("x/a"));
        assertTrue(one == one.without("x/zzz"));
    }
}
