package dev.bulwark.cli.identity;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.TlsOptions;
import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.mesh.tls.SvidDirectory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --allocators}: the replicas' gRPC addresses, mixed into every {@code bulwark identity} command. */
final class ClientOptions {

    /** Where {@code bulwark up} runs the three local replicas (its --identity-port 7450, then +2, +4). */
    static final String DEFAULT_ALLOCATORS = "127.0.0.1:7450,127.0.0.1:7452,127.0.0.1:7454";

    @Option(names = "--allocators", split = ",", paramLabel = "HOST:PORT",
            defaultValue = "${env:BULWARK_ALLOCATORS:-" + DEFAULT_ALLOCATORS + "}",
            description = "identity-allocator replicas' gRPC addresses, comma-separated; any subset works, the leader is found "
                    + "(env BULWARK_ALLOCATORS; default ${DEFAULT-VALUE})")
    List<String> allocators = new ArrayList<>();

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "dial the allocators on mTLS with the SVID in DIR (svid.key, svid.pem, bundle.pem from `bulwark ca issue`)")
    Path tlsDir;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** A client of {@code --allocators}; a missing or broken {@code --tls-dir} is a usage error naming the file. */
    IdentityClient connect() {
        if (tlsDir == null) {
            return IdentityClient.connect(allocators);
        }
        SvidDirectory dir;
        try {
            dir = SvidDirectory.load(tlsDir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--tls-dir: " + e.getMessage(), e);
        }
        return IdentityClient.connect(allocators, IdentityClient.Options.DEFAULT, TlsOptions.dialling(dir).channelCredentials());
    }

    /** Prints a gRPC failure and returns the exit code: 3 when unavailable, 1 otherwise (bad input, not found, full). */
    static int fail(OutputOptions output, StatusRuntimeException e) {
        Status s = e.getStatus();
        output.error(s.getCode() + ": " + s.getDescription());
        return switch (s.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> ExitCode.UNAVAILABLE;
            default -> ExitCode.PROBLEM;
        };
    }
}
