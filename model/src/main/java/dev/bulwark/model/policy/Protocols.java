package dev.bulwark.model.policy;

import java.util.Locale;

/** IANA protocol numbers used in map keys; 0 means any protocol. */
public final class Protocols {

    public static final int ANY = 0;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int SCTP = 132;

    private Protocols() {
    }

    /** TCP, UDP, SCTP (case-insensitive) or ANY. */
    public static int byName(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "TCP" -> TCP;
            case "UDP" -> UDP;
            case "SCTP" -> SCTP;
            case "ANY" -> ANY;
            default -> throw new IllegalArgumentException("unknown protocol \"" + name + "\": expected TCP, UDP, SCTP or ANY");
        };
    }

    public static String name(int protocol) {
        return switch (protocol) {
            case TCP -> "TCP";
            case UDP -> "UDP";
            case SCTP -> "SCTP";
            case ANY -> "ANY";
            default -> Integer.toString(protocol);
        };
    }
}
