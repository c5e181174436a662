package dev.bulwark.policy.parse;

/**
 * A manifest is malformed or unsupported. The message starts with the path of the offending field,
 * e.g. {@code spec.ingress[0].from[1].ipBlock.cidr: "10.0.0.1/8": host bits are set}.
 */
public final class InvalidPolicyException extends RuntimeException {

    private final String path;
    private final String reason;

    public InvalidPolicyException(String path, String reason) {
        super(path.isEmpty() ? reason : path + ": " + reason);
        this.path = path;
        this.reason = reason;
    }

    public String path() {
        return path;
    }

    public String reason() {
        return reason;
    }

    /** The same error with {@code prefix} in front of the path. */
    public InvalidPolicyException under(String prefix) {
        return new InvalidPolicyException(path.isEmpty() ? prefix : prefix + (path.startsWith("[") ? "" : ".") + path, reason);
    }
}
