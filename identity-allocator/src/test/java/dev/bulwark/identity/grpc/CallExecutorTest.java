package dev.bulwark.identity.grpc;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which IdentityService handlers run on gRPC's transport thread ({@link IdentityGrpcService#executorFor}). */
class CallExecutorTest {

    @Test
    void lookupRunsOnTheThreadThatReadTheCall() {
        Executor executor = IdentityGrpcService.executorFor(IdentityServiceGrpc.getLookupMethod().getFullMethodName());
        assertNotNull(executor);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        executor.execute(() -> ranOn.set(Thread.currentThread()));
        assertSame(Thread.currentThread(), ranOn.get());
    }

    @Test
    void everyOtherMethodUsesGrpcsDefaultExecutor() {
        List<MethodDescriptor<?, ?>> others = List.of(IdentityServiceGrpc.getAllocateMethod(), IdentityServiceGrpc.getReleaseMethod(),
                IdentityServiceGrpc.getKeepAliveMethod(), IdentityServiceGrpc.getListMethod(), IdentityServiceGrpc.getWatchMethod());
        for (MethodDescriptor<?, ?> m : others) {
            assertNull(IdentityGrpcService.executorFor(m.getFullMethodName()), m.getFullMethodName());
        }
        assertNull(IdentityGrpcService.executorFor("bulwark.identity.v1.IdentityService/Unknown"));
    }
}
