package dev.bulwark.agent.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The agent's state directory: {@code DIR/endpoints.json} holds the endpoint registry
 * ({@link RegistryFile}), replaced atomically (a temporary file in the same directory, synced, renamed over
 * the old one, the directory synced), so a crash leaves either the previous registry or the next, never a
 * torn one. A file that {@link #read} rejected is never overwritten: the first {@link #write} after it moves
 * it to {@code endpoints.json.rejected} for the operator. One agent per directory; called on the agent's
 * sync thread only.
 */
public final class StateDirectory {

    public static final String FILE = "endpoints.json";

    private final Path dir;
    private boolean keepRejected;

    public StateDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    /** Where a rejected file is kept. */
    public Path rejectedFile() {
        return dir.resolve(FILE + ".rejected");
    }

    /** The registry in the directory: empty when there is none yet; the file is left as it is either way. */
    public RegistryFile.Parsed read() {
        String text;
        try {
            text = Files.readString(file(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new RegistryFile.Loaded(EndpointRegistry.EMPTY);
        } catch (IOException | UncheckedIOException e) {
            keepRejected = Files.exists(file());
            return new RegistryFile.Rejected(file() + ": unreadable (" + e + ")");
        }
        RegistryFile.Parsed parsed = RegistryFile.parse(text, file().toString());
        keepRejected = parsed instanceof RegistryFile.Rejected;
        return parsed;
    }

    /** Replaces the file with {@code registry}; throws {@link UncheckedIOException} naming the file. */
    public void write(EndpointRegistry registry) {
        byte[] bytes = RegistryFile.serialise(registry).getBytes(StandardCharsets.UTF_8);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            if (keepRejected && Files.exists(file())) {
                Files.move(file(), rejectedFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            keepRejected = false;
            tmp = Files.createTempFile(dir, FILE + ".", ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                out.force(true);
            }
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the rename itself survives a crash only once the directory is synced
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file() + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless: never read, replaced names differ
                }
            }
        }
    }
}
