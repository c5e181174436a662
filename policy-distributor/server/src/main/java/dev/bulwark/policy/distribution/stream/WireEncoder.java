package dev.bulwark.policy.distribution.stream;

import com.google.protobuf.CodedOutputStream;
import dev.bulwark.policy.distribution.state.NodeDelta;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.SyncStatus;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds {@link EncodedMessage}s, serializing each distinct ipcache part once: every agent moving from
 * the same ipcache revision to the same one receives the very same bytes. Counts bytes for metrics and
 * the benchmark. Not thread-safe: used only on the distribution loop.
 */
final class WireEncoder {

    private record PartKey(long fromIpcacheRevision, long toIpcacheRevision) {
    }

    private static final int MAX_CACHED_PARTS = 64;

    private final Map<PartKey, byte[]> ipcacheParts = new HashMap<>();
    private long cachedTarget = -1;
    private long serializedParts;
    private long sharedPartHits;

    /** The delta message: per-agent header and endpoint part, plus the (possibly shared) ipcache part. */
    EncodedMessage delta(NodeDelta delta, long fromIpcacheRevision, long toIpcacheRevision, PolicyDelta header) {
        byte[] ipcache = ipcachePart(delta, fromIpcacheRevision, toIpcacheRevision);
        byte[] rest = DeltaCodec.endpointPart(delta).mergeFrom(header).build().toByteArray();
        int inner = rest.length + ipcache.length;
        byte[] out = new byte[1 + CodedOutputStream.computeUInt32SizeNoTag(inner) + inner];
        try {
            CodedOutputStream cos = CodedOutputStream.newInstance(out);
            cos.writeTag(DistributorMessage.DELTA_FIELD_NUMBER, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt32NoTag(inner);
            cos.writeRawBytes(rest);
            cos.writeRawBytes(ipcache);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("encoding into a sized array cannot fail", e);
        }
        return new EncodedMessage(out);
    }

    EncodedMessage inSync(long version, boolean resumed) {
        return new EncodedMessage(DistributorMessage.newBuilder()
                .setInSync(SyncStatus.newBuilder().setVersion(version).setResumed(resumed)).build().toByteArray());
    }

    private byte[] ipcachePart(NodeDelta delta, long from, long to) {
        if (delta.ipcacheUpserts().isEmpty() && delta.ipcacheDeletes().isEmpty()) {
            return new byte[0];
        }
        if (to != cachedTarget) {
            ipcacheParts.clear();
            cachedTarget = to;
        }
        PartKey key = new PartKey(delta.fullState() ? -1 : from, to);
        byte[] part = ipcacheParts.get(key);
        if (part != null) {
            sharedPartHits++;
            return part;
        }
        part = DeltaCodec.ipcachePart(delta).toByteArray();
        serializedParts++;
        if (ipcacheParts.size() < MAX_CACHED_PARTS) {
            ipcacheParts.put(key, part);
        }
        return part;
    }

    long serializedParts() {
        return serializedParts;
    }

    long sharedPartHits() {
        return sharedPartHits;
    }
}
