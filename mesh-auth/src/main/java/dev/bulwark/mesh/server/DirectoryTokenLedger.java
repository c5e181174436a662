package dev.bulwark.mesh.server;

import dev.bulwark.mesh.ca.TokenLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Join-token grants as files, one per token digest ({@code <sha256-hex>}: the node name or {@code *} on
 * the first line, the expiry on the second), owner-only. {@code bulwark ca token} writes them while the
 * CA runs; the CA consumes them. Taking is atomic because only one deleter of a file succeeds: the
 * grant counts only for the process whose delete removed it.
 */
public final class DirectoryTokenLedger implements TokenLedger {

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;

    public DirectoryTokenLedger(Path dir) {
        this.dir = dir;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DirectoryAuthorityStore.OWNER_DIR));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the join-token directory " + dir, e);
        }
    }

    @Override
    public void put(String digest, Grant grant) {
        try {
            DirectoryAuthorityStore.write(file(digest),
                    (grant.nodeName() == null ? "*" : grant.nodeName()) + "\n" + grant.expiresAt() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store a join token in " + dir, e);
        }
    }

    @Override
    public Grant take(String digest) {
        Path f = file(digest);
        Grant g = read(f);
        if (g == null) {
            return null;
        }
        try {
            Files.delete(f);
            return g;
        } catch (NoSuchFileException e) {
            return null; // another taker won
        } catch (IOException e) {
            throw new UncheckedIOException("cannot consume join token file " + f, e);
        }
    }

    @Override
    public int sweep(Instant now) {
        int left = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> DIGEST.matcher(p.getFileName().toString()).matches()).toList()) {
                Grant g = read(f);
                if (g != null && !now.isBefore(g.expiresAt())) {
                    Files.deleteIfExists(f);
                } else if (g != null) {
                    left++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list join tokens in " + dir, e);
        }
        return left;
    }

    private Path file(String digest) {
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("digest: expected 64 hex digits");
        }
        return dir.resolve(digest);
    }

    private static Grant read(Path f) {
        try {
            List<String> lines = Files.readAllLines(f);
            String node = lines.get(0).trim();
            return new Grant(node.equals("*") ? null : node, Instant.parse(lines.get(1).trim()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("join token file " + f + " is unreadable: " + e.getMessage(), e);
        }
    }
}
