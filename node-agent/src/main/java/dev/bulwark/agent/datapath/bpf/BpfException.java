package dev.bulwark.agent.datapath.bpf;

/** A failed syscall: what was attempted and the errno the kernel returned. */
public final class BpfException extends RuntimeException {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int E2BIG = 7;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ENOSYS = 38;
    public static final int EACCES = 13;

    private final int errno;

    public BpfException(String what, int errno) {
        super(what + ": " + describe(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** True when the kernel refused for lack of privilege (or a sandbox blocked bpf()). */
    public boolean refused() {
        return errno == EPERM || errno == EACCES || errno == ENOSYS;
    }

    private static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "operation not permitted";
            case ENOENT -> "no such entry";
            case E2BIG -> "map full or argument too big";
            case EACCES -> "permission denied";
            case EEXIST -> "already exists";
            case ENODEV -> "no such device";
            case EINVAL -> "invalid argument";
            case ENOSPC -> "no space";
            case ENOSYS -> "not implemented";
            default -> "error";
        };
    }
}
