package dev.bulwark.mesh.server;

import dev.bulwark.mesh.ca.Authority;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.ca.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Authorities in a directory, one {@code authority-<generation>/} each: {@code root.pem},
 * {@code intermediate.pem}, {@code intermediate.key} (PKCS#8) and {@code activate-at} (ISO instant);
 * {@code bundle-sequence} holds the last published bundle sequence number.
 * Directories are {@code rwx------} and files {@code rw-------}, created with those permissions (never
 * widened then narrowed), written to a temporary file and moved into place. The root's private key is
 * not stored: it signs its intermediate once and is dropped. After a restart an authority is trusted
 * until its own notAfter (the latest SVID it signed is not persisted). Single writer: the CA.
 */
public final class DirectoryAuthorityStore implements AuthorityStore {

    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dir;

    public DirectoryAuthorityStore(Path dir) {
        this.dir = dir;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create CA directory " + dir, e);
        }
    }

    @Override
    public List<Authority> load() {
        List<Authority> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith("authority-")).toList()) {
                int generation = Integer.parseInt(p.getFileName().toString().substring("authority-".length()));
                X509Certificate root = Pem.readCertificates(Files.readAllBytes(p.resolve("root.pem"))).getFirst();
                X509Certificate inter = Pem.readCertificates(Files.readAllBytes(p.resolve("intermediate.pem"))).getFirst();
                SigningKey key = new SigningKey(inter, Pem.readPrivateKey(Files.readString(p.resolve("intermediate.key"))),
                        List.of(inter));
                Instant activateAt = Instant.parse(Files.readString(p.resolve("activate-at")).trim());
                out.add(new Authority(generation, root, key, activateAt, inter.getNotAfter().toInstant()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA directory " + dir, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("CA directory " + dir + " holds an unreadable authority: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void save(Authority a) {
        Path p = dir.resolve("authority-" + a.generation());
        try {
            if (!Files.isDirectory(p)) {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            }
            write(p.resolve("root.pem"), Pem.certificates(List.of(a.root())));
            write(p.resolve("intermediate.pem"), Pem.certificates(List.of(a.intermediate().certificate())));
            write(p.resolve("intermediate.key"), Pem.privateKey(a.intermediate().privateKey()));
            write(p.resolve("activate-at"), a.activateAt().toString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store authority " + a.generation() + " in " + dir, e);
        }
    }

    @Override
    public long loadSequence() {
        Path p = dir.resolve("bundle-sequence");
        try {
            return Files.exists(p) ? Long.parseLong(Files.readString(p).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("CA directory " + dir + ": bundle-sequence is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public void saveSequence(long sequence) {
        try {
            write(dir.resolve("bundle-sequence"), sequence + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the bundle sequence in " + dir, e);
        }
    }

    /** Writes {@code text} to {@code target} with owner-only permissions, atomically where possible. */
    public static void write(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "", PosixFilePermissions.asFileAttribute(OWNER_FILE));
        try {
            Files.writeString(tmp, text);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
