package dev.bulwark.cli.mesh;

import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.Authority;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.SvidRules;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.server.DirectoryAuthorityStore;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A CA data directory opened by one command. Writers ({@code ca start}, {@code issue}, {@code rotate})
 * hold {@code <dir>/lock} so two processes never mint the same generation; {@code ca bundle} and
 * {@code ca token} only read authorities and need no lock.
 */
final class LocalCa implements AutoCloseable {

    /** A writer already holds the directory. */
    static final class BusyException extends Exception {
        BusyException(Path dir) {
            super("the CA in " + dir + " is in use by another command (bulwark ca start holds " + dir.resolve("lock")
                    + "); stop it first");
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private LocalCa(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the writer lock of {@code dir} (created owner-only if missing). */
    static LocalCa lock(Path dir) throws BusyException {
        new DirectoryAuthorityStore(dir); // creates the directory with owner-only permissions
        Path file = dir.resolve("lock");
        try {
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another command created it first; locking decides
                }
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new BusyException(dir);
            }
            return new LocalCa(ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    /** The trust domain of the authorities stored in {@code dir}, if any. */
    static Optional<TrustDomain> storedTrustDomain(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return new DirectoryAuthorityStore(dir).load().stream().findFirst()
                .flatMap(a -> SvidRules.spiffeId(a.root())).map(SpiffeId::trustDomain);
    }

    /**
     * The trust domain to use: the stored one, which {@code requested} (if given) must equal; or
     * {@code requested} for a new directory. Throws naming the field otherwise.
     */
    static TrustDomain trustDomain(Path dir, String requested) {
        Optional<TrustDomain> stored = storedTrustDomain(dir);
        if (requested == null) {
            return stored.orElseThrow(() -> new IllegalArgumentException(
                    "--trust-domain: required, " + dir + " holds no CA yet"));
        }
        TrustDomain td = TrustDomain.parse(requested);
        if (stored.isPresent() && !stored.get().equals(td)) {
            throw new IllegalArgumentException("--trust-domain: " + dir + " holds the CA of " + stored.get() + ", not " + td);
        }
        return td;
    }

    /** The CA of the locked directory (minted now if the directory is new; rotation schedule applied). */
    static CertificateAuthority authority(Path dir, CaSettings settings, InstantSource clock, SecureRandom random) {
        return new CertificateAuthority(settings, new BouncyCastleCertificateSigner(), new DirectoryAuthorityStore(dir),
                clock, random);
    }

    /**
     * The bundle as stored, without taking the lock or changing anything: every authority not yet
     * expired, at the last published sequence number.
     */
    static TrustBundle storedBundle(Path dir, TrustDomain td, java.time.Duration refreshHint, Instant now) {
        DirectoryAuthorityStore store = new DirectoryAuthorityStore(dir);
        List<Authority> held = store.load().stream().filter(a -> now.isBefore(a.notAfter()))
                .sorted(Comparator.comparingInt(Authority::generation)).toList();
        return new TrustBundle(td, store.loadSequence(), held.stream().map(Authority::root).toList(), refreshHint);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
