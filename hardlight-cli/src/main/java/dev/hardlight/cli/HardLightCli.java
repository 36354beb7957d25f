package dev.hardlight.cli;

import dev.hardlight.RpcException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hardlight} command's Java verbs. {@code ./hardlight} (the script at the repository's
 * root) builds this module and runs it for the verbs below; {@code demo} and {@code bench} are run by
 * the script itself.
 *
 * <p>Exit codes: 0 done, 1 the verb failed (a message on standard error says why), 2 a usage error; the
 * verbs that talk to a server use more ({@link Exits}, and {@code hardlight call --help}).
 */
@Command(name = "hardlight", mixinStandardHelpOptions = true, versionProvider = HardLightCli.Version.class,
        description = "HardLight for Java: secure, low-latency RPC and events over WebSocket.",
        subcommands = {DescribeCommand.class, CallCommand.class, WatchCommand.class, BenchCommand.class, ReplayCommand.class,
                GenCommand.class, picocli.AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class HardLightCli {

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests and embedding: {@code execute(args)} returns the exit code. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HardLightCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int code;
            if (e instanceof Remote.UsageException) {
                err.println("hardlight " + commandLine.getCommandName() + ": " + e.getMessage());
                code = Exits.USAGE;
            } else if (e instanceof Remote.Failure f) {
                err.println("hardlight " + commandLine.getCommandName() + ": " + e.getMessage());
                code = f.exitCode;
            } else if (e instanceof RpcException r) {
                err.println("hardlight " + commandLine.getCommandName() + ": " + r.status() + ": " + r.getMessage());
                code = Exits.of(r.status());
            } else {
                throw e;
            }
            err.flush();
            return code;
        });
        return cl;
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
