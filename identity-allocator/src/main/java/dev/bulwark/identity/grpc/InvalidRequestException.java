package dev.bulwark.identity.grpc;

/** A request field is malformed; the message starts with the field path, e.g. {@code label_sets[0].labels[2].key: ...}. */
public final class InvalidRequestException extends IllegalArgumentException {

    public InvalidRequestException(String field, String message) {
        super(field + ": " + message);
    }
}
