package dev.bulwark.cli.identity;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.model.InvalidLabelException;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Allocation;
import dev.bulwark.proto.identity.v1.Identity;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark identity}: allocate, look up, list, release and watch security identities. */
@Command(name = "identity", description = "Security identities in the identity allocator (label set -> number).",
        subcommands = {IdentityCommand.Allocate.class, IdentityCommand.Get.class, IdentityCommand.ListCmd.class,
                IdentityCommand.Release.class, WatchCommand.class})
public final class IdentityCommand {

    @Command(name = "allocate", description = {"Allocate (or find) the identity of one label set and reference it for --owner.",
            "Example: bulwark identity allocate k8s:app=web k8s:io.kubernetes.pod.namespace=default"})
    static final class Allocate implements Callable<Integer> {
        @Mixin
        OutputOptions output;
        @Mixin
        ClientOptions client;

        @Option(names = "--owner", defaultValue = "cli", description = "node name taking the reference (default ${DEFAULT-VALUE})")
        String owner;

        @Parameters(paramLabel = "LABEL", arity = "1..*", description = "source:key=value (no source means k8s)")
        List<String> labels = new ArrayList<>();

        @Override
        public Integer call() {
            LabelSet set;
            try {
                set = LabelSet.parse(labels);
            } catch (InvalidLabelException e) {
                output.error(e.at("labels").getMessage());
                return ExitCode.PROBLEM;
            }
            try (IdentityClient c = client.connect()) {
                AllocateResponse r = c.allocate(owner, List.of(set));
                Allocation a = r.getAllocations(0);
                if (output.json()) {
                    Json.print(output.out(), IdentityJson.allocation(a, r.getRevision()));
                } else {
                    new Table("ID", "CREATED", "LABELS", "INFO LABELS", "REVISION").row(a.getId(), a.getCreated(),
                            IdentityJson.text(a.getLabels()), IdentityJson.text(a.getInfoLabels()), r.getRevision()).print(output.out());
                }
                return ExitCode.OK;
            } catch (StatusRuntimeException e) {
                return ClientOptions.fail(output, e);
            }
        }
    }

    @Command(name = "get", description = "Show one identity by number or by labels (linearizable read).")
    static final class Get implements Callable<Integer> {
        @Mixin
        OutputOptions output;
        @Mixin
        ClientOptions client;

        @ArgGroup(multiplicity = "1")
        Key key;

        static final class Key {
            @Option(names = "--id", description = "the numeric identity")
            Integer id;
            @Option(names = "--labels", split = ",", paramLabel = "LABEL", description = "the label set, comma-separated")
            List<String> labels;
        }

        @Override
        public Integer call() {
            try (IdentityClient c = client.connect()) {
                Optional<Identity> found = key.id != null ? c.lookup(key.id) : c.lookup(LabelSet.parse(key.labels));
                if (found.isEmpty()) {
                    output.error("NOT_FOUND: no identity for " + (key.id != null ? "id " + key.id : String.join(",", key.labels)));
                    return ExitCode.PROBLEM;
                }
                print(output, List.of(found.get()));
                return ExitCode.OK;
            } catch (InvalidLabelException e) {
                output.error(e.at("labels").getMessage());
                return ExitCode.PROBLEM;
            } catch (StatusRuntimeException e) {
                return ClientOptions.fail(output, e);
            }
        }
    }

    @Command(name = "list", description = "List identities in ascending order (linearizable reads, paged).")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        OutputOptions output;
        @Mixin
        ClientOptions client;

        @Option(names = "--after", defaultValue = "0", description = "start after this id")
        int after;

        @Option(names = "--limit", defaultValue = "0", description = "at most this many (0 = all)")
        int limit;

        @Override
        public Integer call() {
            try (IdentityClient c = client.connect()) {
                List<Identity> all = new ArrayList<>();
                int from = after;
                while (limit == 0 || all.size() < limit) {
                    var page = c.list(from, limit == 0 ? 1000 : Math.min(1000, limit - all.size()));
                    all.addAll(page.getIdentitiesList());
                    if (!page.getMore() || page.getIdentitiesCount() == 0) {
                        break;
                    }
                    from = page.getIdentities(page.getIdentitiesCount() - 1).getId();
                }
                print(output, all);
                return ExitCode.OK;
            } catch (StatusRuntimeException e) {
                return ClientOptions.fail(output, e);
            }
        }
    }

    @Command(name = "release", description = "Drop --owner's reference on each ID (idempotent). Unreferenced identities "
            + "are released after the grace period.")
    static final class Release implements Callable<Integer> {
        @Mixin
        OutputOptions output;
        @Mixin
        ClientOptions client;

        @Option(names = "--owner", defaultValue = "cli", description = "node name whose references drop (default ${DEFAULT-VALUE})")
        String owner;

        @Parameters(paramLabel = "ID", arity = "1..*")
        List<Integer> ids;

        @Override
        public Integer call() {
            try (IdentityClient c = client.connect()) {
                long revision = c.release(owner, ids).getRevision();
                if (output.json()) {
                    Json.print(output.out(), java.util.Map.of("released", ids, "owner", owner, "revision", revision));
                } else {
                    output.out().println("released " + ids + " for " + owner + " at revision " + revision);
                    output.out().flush();
                }
                return ExitCode.OK;
            } catch (StatusRuntimeException e) {
                return ClientOptions.fail(output, e);
            }
        }
    }

    static void print(OutputOptions output, List<Identity> identities) {
        if (output.json()) {
            Json.print(output.out(), identities.stream().map(IdentityJson::identity).toList());
            return;
        }
        Table t = new Table("ID", "LABELS", "OWNERS", "CREATED REV", "UNREFERENCED SINCE");
        for (Identity i : identities) {
            t.row(i.getId(), IdentityJson.text(i.getLabels()), String.join(",", i.getOwnersList()), i.getCreatedRevision(),
                    i.getUnreferencedSinceUnixMs() == 0 ? "-" : java.time.Instant.ofEpochMilli(i.getUnreferencedSinceUnixMs()));
        }
        t.print(output.out());
    }
}
