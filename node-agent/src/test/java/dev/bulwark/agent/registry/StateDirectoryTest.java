package dev.bulwark.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory on a temporary directory: replaced whole, never a torn or lost file. */
class StateDirectoryTest {

    @TempDir
    Path tmp;

    private static final EndpointRecord A = EndpointRecord.of("x/a", "/run/netns/a", "lxc0", 4);
    private static final EndpointRecord B = EndpointRecord.of("x/b", "/run/netns/b", "lxc1", 5);

    private List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void noDirectoryYetIsAnEmptyRegistryAndTheFirstWriteCreatesIt() throws IOException {
        StateDirectory dir = new StateDirectory(tmp.resolve("run/bulwark/agent"));
        assertEquals(EndpointRegistry.EMPTY, assertInstanceOf(RegistryFile.Loaded.class, dir.read()).registry());
        dir.write(EndpointRegistry.of(List.of(A)));
        assertEquals(List.of("endpoints.json"), files(dir.dir()), "no temporary file is left behind");
    }

    @Test
    void eachWriteReplacesTheRegistry() throws IOException {
        StateDirectory dir = new StateDirectory(tmp);
        dir.write(EndpointRegistry.of(List.of(A, B)));
        dir.write(EndpointRegistry.of(List.of(B)));
        assertEquals(EndpointRegistry.of(List.of(B)),
                assertInstanceOf(RegistryFile.Loaded.class, new StateDirectory(tmp).read()).registry());
        assertEquals(List.of("endpoints.json"), files(tmp));
    }

    @Test
    void aRejectedFileIsKeptAndMovedAsideAtTheFirstWrite() throws IOException {
        Path file = tmp.resolve("endpoints.json");
        String newer = "{\"version\":2,\"endpoints\":[{\"id\":\"x/a\"}]}";
        Files.writeString(file, newer);
        StateDirectory dir = new StateDirectory(tmp);
        String message = assertInstanceOf(RegistryFile.Rejected.class, dir.read()).message();
        assertTrue(message.startsWith(file + ": version:"), message);
        assertEquals(newer, Files.readString(file), "reading changes nothing");

        dir.write(EndpointRegistry.of(List.of(A)));
        assertEquals(newer, Files.readString(tmp.resolve("endpoints.json.rejected")), "the rejected file is kept whole");
        assertEquals(EndpointRegistry.of(List.of(A)),
                assertInstanceOf(RegistryFile.Loaded.class, new StateDirectory(tmp).read()).registry());
        dir.write(EndpointRegistry.of(List.of(A, B)));
        assertEquals(newer, Files.readString(tmp.resolve("endpoints.json.rejected")), "later writes leave it alone");
    }

    @Test
    void aWriteThatCannotHappenSaysWhichFileAndLeavesTheOldOne() throws IOException {
        Path notADir = tmp.resolve("occupied");
        Files.writeString(notADir, "a file where the directory should be");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new StateDirectory(notADir).write(EndpointRegistry.of(List.of(A))));
        assertTrue(e.getMessage().startsWith("writing " + notADir.resolve("endpoints.json")), e.getMessage());
        assertEquals("a file where the directory should be", Files.readString(notADir));
    }
}
