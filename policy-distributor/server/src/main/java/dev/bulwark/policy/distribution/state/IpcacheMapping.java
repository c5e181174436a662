package dev.bulwark.policy.distribution.state;

/**
 * What the ipcache says about one address prefix: its security identity and, for pod addresses, the
 * node hosting it ("" for CIDR and world prefixes).
 */
public record IpcacheMapping(int identity, String nodeName) {

    public IpcacheMapping {
        if (identity == 0) {
            throw new IllegalArgumentException("ipcache identity must not be 0");
        }
        nodeName = nodeName == null ? "" : nodeName;
    }
}
