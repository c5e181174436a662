package dev.bulwark.policy.distribution.stream;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@code DistributorMessage} already serialized, possibly from shared parts: the distributor never
 * re-serializes a part it has encoded once. The response marshaller writes the bytes as they are.
 */
public record EncodedMessage(byte[] bytes) {

    /** The marshaller for the response side of the stream method. */
    static final MethodDescriptor.Marshaller<EncodedMessage> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(EncodedMessage value) {
            return new KnownLengthStream(value.bytes());
        }

        @Override
        public EncodedMessage parse(InputStream stream) {
            try {
                return new EncodedMessage(stream.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("reading a distributor message", e);
            }
        }
    };

    public int size() {
        return bytes.length;
    }

    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }
}
