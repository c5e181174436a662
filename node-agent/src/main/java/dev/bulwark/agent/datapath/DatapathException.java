package dev.bulwark.agent.datapath;

/** A map operation the datapath could not perform (map full, kernel refused); nothing was changed. */
public final class DatapathException extends RuntimeException {

    /** google.rpc.Code for a NACK: 8 RESOURCE_EXHAUSTED when a map is full, 13 INTERNAL otherwise. */
    private final int rpcCode;

    public DatapathException(String message, int rpcCode, Throwable cause) {
        super(message, cause);
        this.rpcCode = rpcCode;
    }

    public int rpcCode() {
        return rpcCode;
    }
}
