package dev.bulwark.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --output} option and the command's stdout/stderr, mixed into every printing command. */
public final class OutputOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "table (for people) or json (for scripts). Default: ${DEFAULT-VALUE}.")
    OutputFormat format = OutputFormat.table;

    public boolean json() {
        return format == OutputFormat.json;
    }

    public PrintWriter out() {
        return spec.commandLine().getOut();
    }

    public PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints an error line to stderr: {@code error: <message>}. */
    public void error(String message) {
        err().println("error: " + message);
        err().flush();
    }
}
