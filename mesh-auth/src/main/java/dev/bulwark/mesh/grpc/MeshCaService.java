package dev.bulwark.mesh.grpc;

import com.google.protobuf.ByteString;
import dev.bulwark.mesh.bundle.BundleSource;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.NodeProof;
import dev.bulwark.mesh.ca.SignOutcome;
import dev.bulwark.mesh.ca.SvidRegistrar;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.proto.meshca.v1.AttestNodeRequest;
import dev.bulwark.proto.meshca.v1.MeshCAGrpc;
import dev.bulwark.proto.meshca.v1.RenewNodeRequest;
import dev.bulwark.proto.meshca.v1.SignResponse;
import dev.bulwark.proto.meshca.v1.SignSvidRequest;
import dev.bulwark.proto.meshca.v1.WatchBundlesRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * MeshCA over gRPC: decodes requests, asks {@link SvidRegistrar}, encodes outcomes. The caller's ID
 * comes from {@link PeerIdentity} (install it on the server). Watch streams get the CA's bundle on
 * every change and the federated bundles known at subscription. Calls run on gRPC's executor; the
 * registrar is thread-safe.
 */
public final class MeshCaService extends MeshCAGrpc.MeshCAImplBase {

    private final SvidRegistrar registrar;
    private final BundleSource federated;

    public MeshCaService(SvidRegistrar registrar, BundleSource federated) {
        this.registrar = registrar;
        this.federated = federated;
    }

    @Override
    public void attestNode(AttestNodeRequest request, StreamObserver<SignResponse> response) {
        NodeProof proof = switch (request.getProofCase()) {
            case JOIN_TOKEN -> new NodeProof.JoinToken(request.getJoinToken());
            case K8S_SA_TOKEN -> new NodeProof.ServiceAccountToken(request.getK8SSaToken());
            case PROOF_NOT_SET -> null;
        };
        reply(registrar.attestNode(request.getNodeName(), proof, request.getCsrDer().toByteArray()), response);
    }

    @Override
    public void signSvid(SignSvidRequest request, StreamObserver<SignResponse> response) {
        TrustDomain td = registrar.authority().trustDomain();
        SpiffeId id;
        try {
            id = switch (request.getSubjectCase()) {
                case IDENTITY -> SpiffeId.ofIdentity(td, NumericIdentity.of(request.getIdentity()));
                case WORKLOAD -> SpiffeId.ofServiceAccount(td, request.getWorkload().getNamespace(),
                        request.getWorkload().getServiceAccount());
                case SUBJECT_NOT_SET -> throw new IllegalArgumentException("one of identity or workload is required");
            };
        } catch (IllegalArgumentException e) {
            reply(new SignOutcome.InvalidRequest("subject", e.getMessage()), response);
            return;
        }
        reply(registrar.signSvid(PeerIdentity.current(), id, request.getCsrDer().toByteArray(),
                Duration.ofSeconds(Integer.toUnsignedLong(request.getTtlSeconds()))), response);
    }

    @Override
    public void renewNode(RenewNodeRequest request, StreamObserver<SignResponse> response) {
        reply(registrar.renewNode(PeerIdentity.current(), request.getCsrDer().toByteArray()), response);
    }

    private static void reply(SignOutcome outcome, StreamObserver<SignResponse> response) {
        if (outcome instanceof SignOutcome.Signed(IssuedSvid svid)) {
            SignResponse.Builder b = SignResponse.newBuilder().setSpiffeId(svid.id().toString())
                    .setExpiresUnixMs(svid.notAfter().toEpochMilli())
                    .setRenewAfterUnixMs(svid.renewAfter().toEpochMilli());
            for (X509Certificate c : svid.chain()) {
                b.addCertChainDer(der(c));
            }
            response.onNext(b.build());
            response.onCompleted();
        } else {
            response.onError(OutcomeToStatus.of(outcome).asRuntimeException());
        }
    }

    @Override
    public void watchBundles(WatchBundlesRequest request, StreamObserver<dev.bulwark.proto.meshca.v1.TrustBundle> response) {
        if (PeerIdentity.current().isEmpty()) {
            response.onError(OutcomeToStatus.of(new SignOutcome.Unauthenticated("a node SVID is required to watch bundles"))
                    .asRuntimeException());
            return;
        }
        Set<String> wanted = new HashSet<>(request.getTrustDomainsList());
        ServerCallStreamObserver<dev.bulwark.proto.meshca.v1.TrustBundle> call =
                (ServerCallStreamObserver<dev.bulwark.proto.meshca.v1.TrustBundle>) response;
        for (TrustBundle b : federated.bundles().all()) {
            if (wanted.isEmpty() || wanted.contains(b.trustDomain().name())) {
                call.onNext(encode(b));
            }
        }
        if (!wanted.isEmpty() && !wanted.contains(registrar.authority().trustDomain().name())) {
            return; // only federated bundles asked for: they are sent; the stream stays open
        }
        Consumer<TrustBundle> listener = b -> {
            if (!call.isCancelled()) {
                call.onNext(encode(b));
            }
        };
        call.setOnCancelHandler(() -> registrar.authority().unwatch(listener));
        registrar.authority().watch(listener);
    }

    static dev.bulwark.proto.meshca.v1.TrustBundle encode(TrustBundle b) {
        var out = dev.bulwark.proto.meshca.v1.TrustBundle.newBuilder().setTrustDomain(b.trustDomain().name())
                .setSequence(b.sequence()).setJwksJson(Jwks.write(b))
                .setRefreshHintSeconds((int) Math.min(Integer.MAX_VALUE, b.refreshHint().toSeconds()));
        b.authorities().forEach(a -> out.addX509AuthoritiesDer(der(a)));
        return out.build();
    }

    private static ByteString der(X509Certificate c) {
        try {
            return ByteString.copyFrom(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
