package dev.bulwark.policy.compile;

/**
 * Engine settings, validated on construction.
 *
 * @param entryLimit    most map entries one endpoint may hold (the datapath map size); 1..65536
 * @param overflowMode  what an endpoint over the limit gets
 * @param httpProxyPort proxy port written into entries that carry HTTP rules; 1..65535
 * @param dnsProxyPort  proxy port written into entries that carry DNS rules; 1..65535
 */
public record EngineConfig(int entryLimit, OverflowMode overflowMode, int httpProxyPort, int dnsProxyPort) {

    public static final int DEFAULT_ENTRY_LIMIT = 16_384;
    public static final EngineConfig DEFAULT = new EngineConfig(DEFAULT_ENTRY_LIMIT, OverflowMode.KEEP_LAST_GOOD, 15_001, 15_053);

    public EngineConfig {
        if (entryLimit < 1 || entryLimit > 65_536) {
            throw new IllegalArgumentException("entryLimit " + entryLimit + " outside 1..65536");
        }
        if (overflowMode == null) {
            throw new IllegalArgumentException("overflowMode is required");
        }
        if (httpProxyPort < 1 || httpProxyPort > 65_535 || dnsProxyPort < 1 || dnsProxyPort > 65_535) {
            throw new IllegalArgumentException("proxy ports must be 1..65535");
        }
    }

    public EngineConfig withEntryLimit(int limit) {
        return new EngineConfig(limit, overflowMode, httpProxyPort, dnsProxyPort);
    }

    public EngineConfig withOverflowMode(OverflowMode mode) {
        return new EngineConfig(entryLimit, mode, httpProxyPort, dnsProxyPort);
    }
}
