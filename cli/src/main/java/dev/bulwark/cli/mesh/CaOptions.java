package dev.bulwark.cli.mesh;

import dev.bulwark.cli.identity.DurationConverter;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.SvidPolicy;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options that describe a CA (mixed into {@code ca start|issue|rotate}); defaults follow SPIRE. */
final class CaOptions {

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "CA directory: authorities (keys owner-only), bundle sequence, join tokens, lock.")
    Path dataDir;

    @Option(names = "--trust-domain", paramLabel = "TD",
            description = "Trust domain, e.g. cluster-a.example; required when DIR holds no CA yet, else must match it.")
    String trustDomain;

    @Option(names = "--cluster-name", defaultValue = "default", description = "Name in the intermediate's subject (default ${DEFAULT-VALUE}).")
    String clusterName;

    @Option(names = "--key-algorithm", defaultValue = "ec-p256", paramLabel = "ALG",
            description = "ec-p256, ed25519 or rsa-2048, for new authorities and keys (default ${DEFAULT-VALUE}).")
    String keyAlgorithm;

    @Option(names = "--svid-ttl", defaultValue = "1h", converter = DurationConverter.class,
            description = "SVID lifetime when none is requested (default ${DEFAULT-VALUE}).")
    Duration svidTtl;

    @Option(names = "--max-svid-ttl", defaultValue = "24h", converter = DurationConverter.class,
            description = "Longest SVID lifetime a request may get (default ${DEFAULT-VALUE}).")
    Duration maxSvidTtl;

    @Option(names = "--ca-ttl", defaultValue = "24h", converter = DurationConverter.class,
            description = "Lifetime of each authority generation (default ${DEFAULT-VALUE}).")
    Duration caTtl;

    @Option(names = "--publish-ahead", defaultValue = "15m", converter = DurationConverter.class,
            description = "How long a new authority is in the bundle before it signs (3 refresh hints; default ${DEFAULT-VALUE}).")
    Duration publishAhead;

    @Option(names = "--refresh-hint", defaultValue = "5m", converter = DurationConverter.class,
            description = "spiffe_refresh_hint of the bundle (default ${DEFAULT-VALUE}).")
    Duration refreshHint;

    KeyAlgorithm algorithm() {
        return KeyAlgorithm.parse(keyAlgorithm);
    }

    /** Validated settings; throws IllegalArgumentException naming the option. */
    CaSettings settings() {
        TrustDomain td = LocalCa.trustDomain(dataDir, trustDomain);
        SvidPolicy policy;
        try {
            policy = new SvidPolicy(svidTtl, maxSvidTtl, caTtl, SvidPolicy.DEFAULT.backdate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("defaultSvidTtl", "--svid-ttl")
                    .replace("maxSvidTtl", "--max-svid-ttl").replace("authorityTtl", "--ca-ttl"), e);
        }
        if (svidTtl.compareTo(caTtl) > 0) {
            throw new IllegalArgumentException("--svid-ttl: " + svidTtl + " is longer than --ca-ttl " + caTtl);
        }
        return new CaSettings(td, clusterName, algorithm(), policy, publishAhead, refreshHint);
    }
}
