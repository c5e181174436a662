package dev.bulwark.identity.raft;

import dev.bulwark.identity.IdentityCommand;
import dev.bulwark.model.LabelSet;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte format of a {@link LogEntry}. Version 1: {@code u8 version, i64 timeMs, i64 batchId,
 * i32 count}, then per command a tag and its fields; strings and label sets are length-prefixed UTF-8
 * (label sets in their canonical form). The format is stored in the Raft log: change it only by adding
 * a version.
 */
public final class LogEntryCodec {

    private static final int VERSION = 1;
    private static final int ALLOCATE = 1;
    private static final int RELEASE = 2;
    private static final int KEEP_ALIVE = 3;
    private static final int TICK = 4;

    private LogEntryCodec() {
    }

    public static byte[] encode(LogEntry entry) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 64 * entry.commands().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(entry.timeMs());
            out.writeLong(entry.batchId());
            out.writeInt(entry.commands().size());
            for (IdentityCommand c : entry.commands()) {
                writeCommand(out, c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeCommand(DataOutputStream out, IdentityCommand c) throws IOException {
        switch (c) {
            case IdentityCommand.Allocate a -> {
                out.writeByte(ALLOCATE);
                writeString(out, a.owner());
                out.writeInt(a.labelSets().size());
                for (LabelSet s : a.labelSets()) {
                    writeString(out, s.canonical());
                }
            }
            case IdentityCommand.Release r -> {
                out.writeByte(RELEASE);
                writeString(out, r.owner());
                out.writeInt(r.ids().size());
                for (int id : r.ids()) {
                    out.writeInt(id);
                }
            }
            case IdentityCommand.KeepAlive k -> {
                out.writeByte(KEEP_ALIVE);
                writeString(out, k.owner());
            }
            case IdentityCommand.Tick t -> out.writeByte(TICK);
        }
    }

    public static LogEntry decode(InputStream bytes) {
        try (DataInputStream in = new DataInputStream(bytes)) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("log entry version " + version + " is not supported (expected " + VERSION + ")");
            }
            long time = in.readLong();
            long batch = in.readLong();
            int n = in.readInt();
            List<IdentityCommand> commands = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                commands.add(readCommand(in));
            }
            return new LogEntry(time, batch, commands);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt log entry", e);
        }
    }

    private static IdentityCommand readCommand(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case ALLOCATE -> {
                String owner = readString(in);
                int n = in.readInt();
                List<LabelSet> sets = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    sets.add(LabelSet.fromCanonical(readString(in)));
                }
                yield new IdentityCommand.Allocate(owner, sets);
            }
            case RELEASE -> {
                String owner = readString(in);
                int n = in.readInt();
                List<Integer> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(in.readInt());
                }
                yield new IdentityCommand.Release(owner, ids);
            }
            case KEEP_ALIVE -> new IdentityCommand.KeepAlive(readString(in));
            case TICK -> new IdentityCommand.Tick();
            default -> throw new IllegalStateException("unknown command tag " + tag);
        };
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
