package dev.bulwark.mesh.grpc;

import com.google.protobuf.ByteString;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.CertificateSigner;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.proto.meshca.v1.AttestNodeRequest;
import dev.bulwark.proto.meshca.v1.MeshCAGrpc;
import dev.bulwark.proto.meshca.v1.RenewNodeRequest;
import dev.bulwark.proto.meshca.v1.SignResponse;
import dev.bulwark.proto.meshca.v1.SignSvidRequest;
import dev.bulwark.proto.meshca.v1.WatchBundlesRequest;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a node agent uses to talk to MeshCA: keys are generated here and never sent; only CSRs go out.
 * Blocking calls; thread-safe like the channel.
 */
public final class MeshCaClient {

    private final Channel channel;
    private final CertificateSigner signer;
    private final KeyAlgorithm keyAlgorithm;
    private final SecureRandom random;

    public MeshCaClient(Channel channel, CertificateSigner signer, KeyAlgorithm keyAlgorithm, SecureRandom random) {
        this.channel = channel;
        this.signer = signer;
        this.keyAlgorithm = keyAlgorithm;
        this.random = random;
    }

    /** Bootstrap with a join token: a new key, a CSR for the node ID, the node SVID back. */
    public X509Svid attestWithJoinToken(TrustDomain td, String nodeName, String joinToken) {
        KeyPair kp = keyAlgorithm.generate(random);
        SignResponse r = MeshCAGrpc.newBlockingStub(channel).attestNode(AttestNodeRequest.newBuilder()
                .setNodeName(nodeName).setJoinToken(joinToken)
                .setCsrDer(ByteString.copyFrom(signer.createRequest(kp, SpiffeId.ofNode(td, nodeName)))).build());
        return svid(r, kp);
    }

    /** A new node SVID for a new key (the channel must carry this node's current, valid SVID). */
    public X509Svid renewNode(TrustDomain td, String nodeName) {
        KeyPair kp = keyAlgorithm.generate(random);
        SignResponse r = MeshCAGrpc.newBlockingStub(channel).renewNode(RenewNodeRequest.newBuilder()
                .setCsrDer(ByteString.copyFrom(signer.createRequest(kp, SpiffeId.ofNode(td, nodeName)))).build());
        return svid(r, kp);
    }

    /** An SVID for a numeric identity (the channel must carry this node's SVID). */
    public X509Svid signIdentity(TrustDomain td, NumericIdentity identity, Duration ttl) {
        KeyPair kp = keyAlgorithm.generate(random);
        SignResponse r = MeshCAGrpc.newBlockingStub(channel).signSvid(SignSvidRequest.newBuilder()
                .setIdentity(identity.value())
                .setCsrDer(ByteString.copyFrom(signer.createRequest(kp, SpiffeId.ofIdentity(td, identity))))
                .setTtlSeconds((int) ttl.toSeconds()).build());
        return svid(r, kp);
    }

    /** Streams bundle changes to {@code onBundle} until the call ends. */
    public void watchBundles(Consumer<TrustBundle> onBundle, Consumer<Throwable> onEnd) {
        MeshCAGrpc.newStub(channel).watchBundles(WatchBundlesRequest.getDefaultInstance(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(dev.bulwark.proto.meshca.v1.TrustBundle b) {
                        List<X509Certificate> certs = new ArrayList<>();
                        b.getX509AuthoritiesDerList().forEach(d -> certs.addAll(Pem.readCertificates(d.toByteArray())));
                        onBundle.accept(new TrustBundle(TrustDomain.parse(b.getTrustDomain()), b.getSequence(), certs,
                                Duration.ofSeconds(b.getRefreshHintSeconds())));
                    }

                    @Override
                    public void onError(Throwable t) {
                        onEnd.accept(t);
                    }

                    @Override
                    public void onCompleted() {
                        onEnd.accept(null);
                    }
                });
    }

    private static X509Svid svid(SignResponse r, KeyPair kp) {
        List<X509Certificate> chain = new ArrayList<>();
        r.getCertChainDerList().forEach(d -> chain.addAll(Pem.readCertificates(d.toByteArray())));
        return new X509Svid(SpiffeId.parse(r.getSpiffeId()), chain, kp.getPrivate());
    }
}
