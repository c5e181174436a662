package dev.bulwark.agent.datapath.bpf;

/** The head of {@code struct bpf_map_info} as OBJ_GET_INFO_BY_FD returns it. */
public record MapInfo(int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name) {

    public static final int TYPE_HASH = 1;
    public static final int TYPE_ARRAY = 2;
    public static final int TYPE_PERCPU_ARRAY = 6;
    public static final int TYPE_LPM_TRIE = 11;
    public static final int TYPE_LRU_HASH = 9;
    public static final int TYPE_RINGBUF = 27;

    /** Fails with a message naming the map and the mismatching field unless the layout is as expected. */
    public void require(int expectedType, int expectedKeySize, int expectedValueSize) {
        if (type != expectedType || keySize != expectedKeySize || valueSize != expectedValueSize) {
            throw new IllegalStateException("map " + name + " layout mismatch: kernel has type " + type + " key "
                    + keySize + " B value " + valueSize + " B; this agent expects type " + expectedType + " key "
                    + expectedKeySize + " B value " + expectedValueSize
                    + " B (a pin left by another version? remove it or use another pin root)");
        }
    }
}
