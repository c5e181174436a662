package dev.bulwark.cli;

import dev.bulwark.mesh.tls.MeshTls;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.SvidDirectory;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --tls-dir}: a control-plane server's SVID and trust bundle, mixed into {@code allocator start} and
 * {@code distributor start}. Without it the server speaks plaintext (development).
 */
public final class TlsOptions {

    @Option(names = "--tls-dir", paramLabel = "DIR", description = {
            "Serve on mTLS with the SVID in DIR (svid.key, svid.pem, bundle.pem, as `bulwark ca issue --out-dir` writes;",
            "use an ID spiffe://TD/bulwark/<component>). Clients must present a node or control-plane SVID of",
            "the same trust domain. Replaced files are picked up at the next handshake. Default: plaintext."})
    Path tlsDir;

    /** The loaded directory, or empty for plaintext; a missing or broken file throws naming it. */
    public Optional<SvidDirectory> load() {
        return Optional.ofNullable(tlsDir).map(SvidDirectory::load);
    }

    /** Server side: the component's SVID; callers must be nodes or control-plane components of its domain. */
    public static MeshTls serving(SvidDirectory dir) {
        return new MeshTls(dir, dir, PeerCheck.controlPlaneClient(dir.trustDomain()), InstantSource.system());
    }

    /** Client side: the component's SVID; the server must be a control-plane component of its domain. */
    public static MeshTls dialling(SvidDirectory dir) {
        return new MeshTls(dir, dir, PeerCheck.controlPlaneServer(dir.trustDomain()), InstantSource.system());
    }
}
