package dev.bulwark.identity.raft;

import dev.bulwark.identity.IdentityRecord;
import dev.bulwark.identity.IdentityTable;
import dev.bulwark.identity.Lease;
import dev.bulwark.model.LabelSet;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot file of an {@link IdentityTable}. Version 2: {@code u32 magic, u8 version, i64 revision,
 * i64 timeMs, i64 term, i32 nextCandidate}, then identities, leases and quarantined numbers, each as a count and
 * records; strings as length-prefixed UTF-8. Integrity is checked by Ratis's MD5 file next to it.
 *
 * <p>Version 1 (no term; written before lease extension existed) is still read, with term 0, so the
 * first entry applied after it counts as a new term and extends every lease. Replicas restored from
 * version-1 snapshots taken at different indices can therefore disagree about lease expiries for up to
 * one TTL after the upgrade; version-1 data exists only from development runs.
 */
public final class TableSnapshotFormat {

    private static final int MAGIC = 0x42574944; // "BWID"
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_TERM = 1;

    private TableSnapshotFormat() {
    }

    public static void write(IdentityTable table, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeLong(table.revision());
            out.writeLong(table.timeMs());
            out.writeLong(table.term());
            out.writeInt(table.nextCandidate());
            List<IdentityRecord> all = table.all();
            out.writeInt(all.size());
            for (IdentityRecord r : all) {
                out.writeInt(r.id());
                LogEntryCodec.writeString(out, r.labels().canonical());
                out.writeLong(r.createdRevision());
                out.writeLong(r.createdMs());
                out.writeLong(r.unreferencedSinceMs());
                out.writeInt(r.owners().size());
                for (String o : r.owners()) {
                    LogEntryCodec.writeString(out, o);
                }
            }
            List<Lease> leases = table.leases();
            out.writeInt(leases.size());
            for (Lease l : leases) {
                LogEntryCodec.writeString(out, l.owner());
                out.writeLong(l.expiresAtMs());
                out.writeInt(l.references());
            }
            List<long[]> q = table.quarantineEntries();
            out.writeInt(q.size());
            for (long[] e : q) {
                out.writeInt((int) e[0]);
                out.writeLong(e[1]);
            }
        }
    }

    public static IdentityTable read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + ": not an identity table snapshot");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_WITHOUT_TERM) {
                throw new IOException(file + ": snapshot version " + version + " is not supported");
            }
            long revision = in.readLong();
            long timeMs = in.readLong();
            long term = version == VERSION ? in.readLong() : 0;
            int nextCandidate = in.readInt();
            int n = in.readInt();
            List<IdentityRecord> identities = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = in.readInt();
                LabelSet labels = LabelSet.fromCanonical(LogEntryCodec.readString(in));
                long createdRevision = in.readLong();
                long createdMs = in.readLong();
                long unrefSince = in.readLong();
                int owners = in.readInt();
                List<String> o = new ArrayList<>(owners);
                for (int j = 0; j < owners; j++) {
                    o.add(LogEntryCodec.readString(in));
                }
                identities.add(new IdentityRecord(id, labels, o, createdRevision, createdMs, unrefSince));
            }
            int leaseCount = in.readInt();
            List<Lease> leases = new ArrayList<>(leaseCount);
            for (int i = 0; i < leaseCount; i++) {
                leases.add(new Lease(LogEntryCodec.readString(in), in.readLong(), in.readInt()));
            }
            int qn = in.readInt();
            List<long[]> q = new ArrayList<>(qn);
            for (int i = 0; i < qn; i++) {
                q.add(new long[] {in.readInt(), in.readLong()});
            }
            return IdentityTable.restore(identities, leases, q, revision, timeMs, term, nextCandidate);
        }
    }
}
