package dev.bulwark.identity.bench;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Cilium's kvstore identity allocation (pkg/allocator + pkg/kvstore/allocator, "lockedAllocate"), the
 * baseline: per new label set, lock the key (create-only lock key on the node's lease), read the
 * existing references under the lock, pick a random free id from the local view, check the master key,
 * create the master key {@code id/<ID>} create-only while the lock is held, write the node's reference
 * {@code value/<labels>/<node>} on its lease, unlock: 4 consensus writes and 2 linearizable reads.
 * Up to 16 attempts with exponential backoff from 20 ms, as Cilium. Known label sets need one read.
 */
final class CiliumKvstoreAllocator {

    static final String PREFIX = "cilium/state/identities/v1/";
    private static final int MIN_ID = 256;
    private static final int MAX_ID = 65_535;
    private static final int ATTEMPTS = 16;

    private final EtcdGateway etcd;
    private final String node;
    private final long lease;
    private final Set<Integer> usedIds;

    /** {@code usedIds} is the shared local view of ids (Cilium's cache of the id prefix, fed by its watch). */
    CiliumKvstoreAllocator(EtcdGateway etcd, String node, long lease, Set<Integer> usedIds) {
        this.etcd = etcd;
        this.node = node;
        this.lease = lease;
        this.usedIds = usedIds;
    }

    /** Allocates the identity of {@code labels} (a canonical key string); returns the id. */
    int allocate(String labels) throws IOException, InterruptedException {
        long backoff = 20;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String lockKey = PREFIX + "locks/" + labels;
            if (etcd.createOnly(lockKey, node, lease, null)) {
                try {
                    Optional<Integer> id = lockedAllocate(labels, lockKey);
                    if (id.isPresent()) {
                        return id.get();
                    }
                } finally {
                    etcd.delete(lockKey);
                }
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
            backoff = Math.min(backoff * 2, 2_000);
        }
        throw new IOException("no identity for " + labels + " after " + ATTEMPTS + " attempts");
    }

    private Optional<Integer> lockedAllocate(String labels, String lockKey) throws IOException {
        Optional<String> existing = etcd.get(PREFIX + "value/" + labels + "/", true);
        int id;
        if (existing.isPresent()) {
            id = Integer.parseInt(existing.get());
        } else {
            id = randomFreeId();
            if (etcd.get(PREFIX + "id/" + id, false).isPresent()
                    || !etcd.createOnly(PREFIX + "id/" + id, labels, 0, lockKey)) {
                usedIds.add(id);
                return Optional.empty();
            }
            usedIds.add(id);
        }
        etcd.put(PREFIX + "value/" + labels + "/" + node, Integer.toString(id), lease);
        return Optional.of(id);
    }

    /** The id of an existing label set (one linearizable prefix read), as a lookup. */
    Optional<Integer> lookup(String labels) throws IOException {
        return etcd.get(PREFIX + "value/" + labels + "/", true).map(Integer::parseInt);
    }

    private int randomFreeId() throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 1_000; i++) {
            int id = r.nextInt(MIN_ID, MAX_ID + 1);
            if (!usedIds.contains(id)) {
                return id;
            }
        }
        throw new IOException("identity space looks full");
    }
}
