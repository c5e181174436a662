package dev.bulwark.mesh.ca;

/** A CSR that cannot be used: garbage, oversized, failed proof of possession, unsupported key. */
public final class CsrRejectedException extends Exception {

    public CsrRejectedException(String message) {
        super(message);
    }

    public CsrRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
