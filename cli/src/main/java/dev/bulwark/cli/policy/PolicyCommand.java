package dev.bulwark.cli.policy;

import picocli.CommandLine.Command;

/** {@code bulwark policy}: offline policy tools over the engine (no cluster needed). */
@Command(name = "policy", description = "Check, explain and compile NetworkPolicy / CiliumNetworkPolicy manifests offline.",
        subcommands = {VerdictCommand.class, TraceCommand.class, CompileCommand.class, ValidateCommand.class,
                BenchPolicyCommand.InPolicyGroup.class})
public final class PolicyCommand {
}
