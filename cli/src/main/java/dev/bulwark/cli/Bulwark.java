package dev.bulwark.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bulwark} command. Subcommands are listed here and only here; each one listed works.
 */
@Command(name = "bulwark", mixinStandardHelpOptions = true,
        versionProvider = Bulwark.Version.class,
        description = "Kubernetes network-security control plane: identities, policy, eBPF enforcement, SPIFFE mTLS.",
        footer = {"", ExitCode.HELP},
        subcommands = {LabelsCommand.class, dev.bulwark.cli.agent.AgentCommand.class, dev.bulwark.cli.policy.PolicyCommand.class, dev.bulwark.cli.distributor.BenchCommand.class, dev.bulwark.cli.distributor.StatusCommand.class, dev.bulwark.cli.distributor.DistributorCommand.class, dev.bulwark.cli.distributor.UpCommand.class, dev.bulwark.cli.distributor.DemoCommand.class, dev.bulwark.cli.chaos.ChaosCommand.class, dev.bulwark.cli.identity.AllocatorCommand.class, dev.bulwark.cli.identity.IdentityCommand.class, dev.bulwark.cli.mesh.SpiffeIdCommand.class, dev.bulwark.cli.mesh.CaCommand.class, dev.bulwark.cli.mesh.SvidCommand.class, CommandLine.HelpCommand.class})
public final class Bulwark {

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams; returns the exit code (used by tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Bulwark());
        addHelpOption(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCode.INTERNAL;
        });
        return cli.execute(args);
    }

    /** Every command and group answers {@code -h/--help}, whether or not its class declares it. */
    private static void addHelpOption(CommandLine command) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        boolean hasHelp = spec.options().stream().anyMatch(CommandLine.Model.OptionSpec::usageHelp);
        if (!hasHelp && spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        command.getSubcommands().values().forEach(Bulwark::addHelpOption);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Bulwark.class.getPackage().getImplementationVersion();
            return new String[] {"bulwark " + (v == null ? "development build" : v),
                    "Java " + Runtime.version()};
        }
    }
}
