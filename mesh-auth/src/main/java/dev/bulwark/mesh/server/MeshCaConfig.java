package dev.bulwark.mesh.server;

import dev.bulwark.mesh.ca.CaSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run MeshCA: the CA settings, where authorities live, where to listen, and the per-caller
 * signing rate (SPIRE's default is 500/s per caller; we use a burst for a node's SVID batch).
 *
 * @param port 0 picks a free port
 */
public record MeshCaConfig(CaSettings ca, Path dataDir, String bindHost, int port, double signRatePerSecond,
                           int signBurst) {

    public MeshCaConfig {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: must be 0..65535, got " + port);
        }
        if (!(signRatePerSecond > 0)) {
            throw new IllegalArgumentException("signRatePerSecond: must be > 0, got " + signRatePerSecond);
        }
        if (signBurst < 1) {
            throw new IllegalArgumentException("signBurst: must be >= 1, got " + signBurst);
        }
    }
}
