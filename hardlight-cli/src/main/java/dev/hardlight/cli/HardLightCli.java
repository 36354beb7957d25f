package dev.hardlight.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hardlight} command's Java verbs. {@code ./hardlight} (the script at the repository's
 * root) builds this module and runs it for the verbs below; {@code demo} and {@code bench} are run by
 * the script itself.
 *
 * <p>Exit codes: 0 done, 1 the verb failed (a message on standard error says why), 2 a usage error.
 */
@Command(name = "hardlight", mixinStandardHelpOptions = true, versionProvider = HardLightCli.Version.class,
        description = "HardLight for Java: secure, low-latency RPC and events over WebSocket.",
        subcommands = {ReplayCommand.class, GenCommand.class, CommandLine.HelpCommand.class})
public final class HardLightCli {

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests and embedding: {@code execute(args)} returns the exit code. */
    public static CommandLine commandLine() {
        return new CommandLine(new HardLightCli());
    }

    /** The version of the hardlight-cli jar, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = HardLightCli.class.getPackage().getImplementationVersion();
            return new String[] {"hardlight " + (v == null ? "(development build)" : v)};
        }
    }
}
