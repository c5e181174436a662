package dev.bulwark.chaos.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.chaos.history.OpType;
import io.grpc.Status;
import io.grpc.Status.Code;
import java.io.IOException;
import java.net.ConnectException;
import java.util.EnumSet;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorRulesTest {

    private static final EnumSet<Code> DEFINITE = EnumSet.of(Code.INVALID_ARGUMENT, Code.RESOURCE_EXHAUSTED,
            Code.NOT_FOUND, Code.OUT_OF_RANGE, Code.FAILED_PRECONDITION, Code.ALREADY_EXISTS,
            Code.PERMISSION_DENIED, Code.UNAUTHENTICATED, Code.UNIMPLEMENTED);

    @Test
    void writesFailOnlyOnDefiniteRejections() {
        for (Code code : Code.values()) {
            if (code == Code.OK) {
                continue;
            }
            OpType expected = DEFINITE.contains(code) ? OpType.FAIL : OpType.INFO;
            assertEquals(expected, ErrorRules.classify(true, code.toStatus().asRuntimeException()).type(),
                    code.toString());
        }
    }

    @Test
    void unavailableIsInfoOnceConnectedAndFailWhenNeverConnected() {
        var notLeader = Status.UNAVAILABLE.withDescription("not leader; leader=10.77.0.12:7001").asRuntimeException();
        assertEquals(OpType.INFO, ErrorRules.classify(true, notLeader).type());
        var reset = Status.UNAVAILABLE.withCause(new IOException("Connection reset by peer")).asRuntimeException();
        assertEquals(OpType.INFO, ErrorRules.classify(true, reset).type());
        var refused = Status.UNAVAILABLE.withCause(new IOException("io exception",
                new ConnectException("Connection refused"))).asRuntimeException();
        assertEquals(OpType.FAIL, ErrorRules.classify(true, refused).type());
    }

    @Test
    void readsAlwaysFail() {
        assertEquals(OpType.FAIL, ErrorRules.classify(false, Status.DEADLINE_EXCEEDED.asRuntimeException()).type());
        assertEquals(OpType.FAIL, ErrorRules.classify(false, new TimeoutException()).type());
    }

    @Test
    void unexpectedExceptionsAreInfoForWrites() {
        ErrorRules.Classified c = ErrorRules.classify(true, new IllegalStateException("boom"));
        assertEquals(OpType.INFO, c.type());
        assertEquals("IllegalStateException: boom", c.error());
        assertEquals("DEADLINE_EXCEEDED: after 2s",
                ErrorRules.classify(true, Status.DEADLINE_EXCEEDED.withDescription("after 2s").asException()).error());
    }
}
