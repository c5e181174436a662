package dev.bulwark.identity.grpc;

/** The identity asked for by number does not exist. */
public final class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
