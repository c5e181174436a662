package dev.bulwark.cli.policy;

import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.parse.InvalidPolicyException;
import dev.bulwark.policy.scenario.CompiledScenario;
import dev.bulwark.policy.scenario.Scenario;
import dev.bulwark.policy.scenario.ScenarioCompiler;
import dev.bulwark.policy.scenario.ScenarioReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and compiling scenario files for the policy commands; failures carry the file name. */
final class ScenarioFiles {

    /** A file could not be used; {@code message} names the file and, for bad input, the field. */
    static final class Failure extends Exception {
        final boolean io;

        Failure(String message, boolean io) {
            super(message);
            this.io = io;
        }
    }

    private ScenarioFiles() {
    }

    static String read(Path file) throws Failure {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new Failure(file + ": cannot read: " + e.getMessage(), true);
        }
    }

    static CompiledScenario compile(Path file, EngineConfig config) throws Failure {
        String text = read(file);
        try {
            Scenario s = ScenarioReader.read(file.toString(), text);
            return new ScenarioCompiler(config).compile(s);
        } catch (InvalidPolicyException e) {
            throw new Failure(file + ": " + e.getMessage(), false);
        }
    }
}
