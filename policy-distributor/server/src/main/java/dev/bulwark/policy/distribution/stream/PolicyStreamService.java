package dev.bulwark.policy.distribution.stream;

import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.Subscribe;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import dev.bulwark.proto.policy.v1.ReplicaState;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code PolicyDistribution.Stream} method. Responses use a pass-through marshaller so the loop can
 * send pre-serialized, shared bytes; requests are parsed normally. The caller's principal comes from the
 * {@link AgentAuthenticator} once per stream; every callback is handed to the {@link DistributionLoop}.
 */
public final class PolicyStreamService implements BindableService {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyStreamService.class);
    private static final Context.Key<AgentAuthenticator.AgentPrincipal> PRINCIPAL = Context.key("bulwark-agent-principal");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final DistributionLoop loop;
    private final AgentAuthenticator authenticator;
    private final StatusMethod status;

    public PolicyStreamService(DistributionLoop loop, AgentAuthenticator authenticator) {
        this(loop, authenticator, List::of);
    }

    /** @param replicas the replicas the cluster knows, for the Status method */
    public PolicyStreamService(DistributionLoop loop, AgentAuthenticator authenticator,
                               Supplier<List<ReplicaState>> replicas) {
        this.loop = loop;
        this.authenticator = authenticator;
        this.status = new StatusMethod(loop, replicas);
    }

    @Override
    public ServerServiceDefinition bindService() {
        MethodDescriptor<AgentMessage, EncodedMessage> method = PolicyDistributionGrpc.getStreamMethod()
                .toBuilder(ProtoUtils.marshaller(AgentMessage.getDefaultInstance()), EncodedMessage.MARSHALLER)
                .build();
        ServerServiceDefinition definition = ServerServiceDefinition.builder(PolicyDistributionGrpc.SERVICE_NAME)
                .addMethod(method, ServerCalls.asyncBidiStreamingCall(this::stream))
                .addMethod(PolicyDistributionGrpc.getStatusMethod(), ServerCalls.asyncUnaryCall(status::status))
                .build();
        return ServerInterceptors.intercept(definition, new Authentication());
    }

    private final class Authentication implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            var principal = authenticator.authenticate(call.getAttributes(), headers);
            return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal), call, headers, next);
        }
    }

    private StreamObserver<AgentMessage> stream(StreamObserver<EncodedMessage> responses) {
        var out = (ServerCallStreamObserver<EncodedMessage>) responses;
        return new AgentStream(out, PRINCIPAL.get());
    }

    /** Inbound side of one stream. Fields are touched only on the loop. */
    private final class AgentStream implements StreamObserver<AgentMessage> {
        private final ServerCallStreamObserver<EncodedMessage> out;
        private final AgentAuthenticator.AgentPrincipal principal;
        private AgentSession session;
        private boolean ended;

        AgentStream(ServerCallStreamObserver<EncodedMessage> out, AgentAuthenticator.AgentPrincipal principal) {
            this.out = out;
            this.principal = principal;
            out.setOnReadyHandler(() -> loop.execute(() -> {
                if (session != null) {
                    session.pump();
                }
            }));
            out.setOnCancelHandler(() -> loop.execute(this::end));
        }

        @Override
        public void onNext(AgentMessage message) {
            loop.execute(() -> handle(message));
        }

        @Override
        public void onError(Throwable t) {
            loop.execute(this::end);
        }

        @Override
        public void onCompleted() {
            loop.execute(() -> {
                end();
                try {
                    out.onCompleted();
                } catch (IllegalStateException alreadyClosed) {
                    LOG.debug("stream already closed");
                }
            });
        }

        private void handle(AgentMessage message) {
            if (ended) {
                return;
            }
            if (session == null) {
                subscribe(message);
                return;
            }
            switch (message.getKindCase()) {
                case ACK -> session.onAck(message.getAck().getNonce(), message.getAck().getVersion());
                case NACK -> session.onNack(message.getNack().getNonce(), message.getNack().getVersion(),
                        message.getNack().getError().getCode(), message.getNack().getError().getMessage());
                default -> LOG.debug("node {}: ignoring {} after subscribe", session.nodeName, message.getKindCase());
            }
        }

        private void subscribe(AgentMessage message) {
            if (loop.closing()) {
                fail(new StreamFailure.ShuttingDown());
                return;
            }
            if (message.getKindCase() != AgentMessage.KindCase.SUBSCRIBE) {
                fail(new StreamFailure.NotSubscribe(message.getKindCase().name().toLowerCase(java.util.Locale.ROOT)));
                return;
            }
            Subscribe sub = message.getSubscribe();
            String node = sub.getNodeName();
            if (node.isEmpty() || node.length() > 253 || !DNS_SUBDOMAIN.matcher(node).matches()) {
                fail(new StreamFailure.InvalidNodeName(node, "must be a DNS subdomain of 1..253 characters"));
                return;
            }
            switch (principal) {
                case AgentAuthenticator.Refused r -> {
                    fail(new StreamFailure.Unauthenticated(r.reason()));
                    return;
                }
                case AgentAuthenticator.NodeAgent n when !n.nodeName().equals(node) -> {
                    fail(new StreamFailure.Unauthenticated("credentials name node " + n.nodeName()
                            + ", not subscribe.node_name " + node));
                    return;
                }
                default -> {
                }
            }
            session = loop.open(node, sub.getAgentInstanceId(), sub.getKnownVersion(), sub.getKnownStateDigest(), out);
        }

        private void fail(StreamFailure failure) {
            ended = true;
            try {
                out.onError(StreamFailure.toStatus(failure).asRuntimeException());
            } catch (IllegalStateException alreadyClosed) {
                LOG.debug("stream already closed");
            }
        }

        private void end() {
            if (!ended) {
                ended = true;
                if (session != null) {
                    loop.remove(session);
                }
            }
        }
    }
}
