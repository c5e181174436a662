package dev.bulwark.cli;

/**
 * Exit codes of every {@code bulwark} command (also listed in {@code bulwark --help} and the README).
 */
public final class ExitCode {

    /** The command did what was asked and found nothing wrong. */
    public static final int OK = 0;
    /** The command ran and found a problem: invalid input, a verdict mismatch, a failed check. */
    public static final int PROBLEM = 1;
    /** The command line itself was wrong: unknown option, missing argument. */
    public static final int USAGE = 2;
    /** A service could not be reached or an I/O operation failed. */
    public static final int UNAVAILABLE = 3;
    /** A bug: an unexpected exception (the stack trace is printed). */
    public static final int INTERNAL = 70;

    private ExitCode() {
    }

    static final String HELP = """
            Exit codes:
              0   success
              1   the command found a problem (bad input, mismatch, failed check)
              2   usage error (unknown option, missing argument)
              3   a service was unavailable or I/O failed
              70  internal error (a bug; stack trace printed)""";
}
