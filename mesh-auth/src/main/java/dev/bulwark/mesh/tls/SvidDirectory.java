package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.BundleSource;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.ca.SvidRules;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A component's SVID and trust bundle from a directory, in the layout {@code bulwark ca issue --out-dir}
 * writes: {@code svid.key} (PKCS#8 PEM), {@code svid.pem} (chain, leaf first) and {@code bundle.pem} (the
 * roots of the component's own trust domain). The files are read again when {@code svid.pem} or
 * {@code bundle.pem} changes, so replacing them rotates the SVID without a restart; a half-written or
 * broken replacement keeps the last good pair and is reported by {@link #lastError()}.
 * Thread-safe ({@code synchronized}; handshakes only stat two files).
 */
public final class SvidDirectory implements SvidSource, BundleSource {

    private final Path dir;
    private X509Svid svid;
    private BundleSet bundles;
    private FileTime svidStamp;
    private FileTime bundleStamp;
    private String lastError = "";

    private SvidDirectory(Path dir) {
        this.dir = dir;
    }

    /** Loads {@code dir}; a missing or broken file throws {@link IllegalArgumentException} naming it. */
    public static SvidDirectory load(Path dir) {
        SvidDirectory d = new SvidDirectory(dir);
        d.reload();
        return d;
    }

    @Override
    public synchronized X509Svid svid() {
        refresh();
        return svid;
    }

    @Override
    public synchronized BundleSet bundles() {
        refresh();
        return bundles;
    }

    public TrustDomain trustDomain() {
        return svid().id().trustDomain();
    }

    /** Why the last change on disk was not taken, or empty. */
    public synchronized String lastError() {
        return lastError;
    }

    private void refresh() {
        try {
            if (!stamp("svid.pem").equals(svidStamp) || !stamp("bundle.pem").equals(bundleStamp)) {
                reload();
                lastError = "";
            }
        } catch (IllegalArgumentException e) {
            lastError = e.getMessage();
        }
    }

    private void reload() {
        FileTime s = stamp("svid.pem");
        FileTime b = stamp("bundle.pem");
        List<X509Certificate> chain = certificates("svid.pem");
        SpiffeId id = SvidRules.spiffeId(chain.getFirst()).orElseThrow(() ->
                new IllegalArgumentException(dir.resolve("svid.pem") + ": the leaf has no SPIFFE ID URI SAN"));
        X509Svid next = new X509Svid(id, chain, Pem.readPrivateKey(read("svid.key")));
        this.bundles = BundleSet.of(new TrustBundle(id.trustDomain(), 0, certificates("bundle.pem"), Duration.ZERO));
        this.svid = next;
        this.svidStamp = s;
        this.bundleStamp = b;
    }

    private List<X509Certificate> certificates(String name) {
        try {
            List<X509Certificate> certs = Pem.readCertificates(read(name).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in it");
            }
            return certs;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            throw new IllegalArgumentException(dir.resolve(name) + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private FileTime stamp(String name) {
        try {
            return Files.getLastModifiedTime(dir.resolve(name));
        } catch (IOException e) {
            throw new IllegalArgumentException(dir.resolve(name) + ": cannot read (" + e.getMessage() + ")", new UncheckedIOException(e));
        }
    }
}
