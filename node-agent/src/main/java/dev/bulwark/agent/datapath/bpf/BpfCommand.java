package dev.bulwark.agent.datapath.bpf;

/**
 * bpf(2) command numbers (include/uapi/linux/bpf.h) and the link attach types this agent uses. The
 * tcx attach types are read from the running kernel's BTF, since the distribution headers predate them.
 */
final class BpfCommand {
    static final int MAP_CREATE = 0;
    static final int MAP_LOOKUP_ELEM = 1;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int MAP_GET_NEXT_KEY = 4;
    static final int OBJ_PIN = 6;
    static final int OBJ_GET = 7;
    static final int PROG_TEST_RUN = 10;
    static final int OBJ_GET_INFO_BY_FD = 15;
    static final int MAP_UPDATE_BATCH = 26;
    static final int MAP_DELETE_BATCH = 27;
    static final int LINK_CREATE = 28;

    static final int ATTACH_TCX_INGRESS = 46;
    static final int ATTACH_TCX_EGRESS = 47;

    /** BPF_ANY / BPF_NOEXIST / BPF_EXIST update flags. */
    static final long UPDATE_ANY = 0;

    /** Size of the bpf_attr buffer we pass: larger than every layout used, all unused bytes zero. */
    static final long ATTR_SIZE = 128;

    private BpfCommand() {
    }
}
