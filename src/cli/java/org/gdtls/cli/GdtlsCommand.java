package org.gdtls.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.gdtls.GioException;
import org.gdtls.GioUnavailableException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code gdtls} command, Main-Class of the runnable {@code gdtls-cli-VERSION.jar} (it is not in the library
 * jar): {@code client}, {@code server}, {@code info} and {@code demo}. It uses only the public API of
 * {@code org.gdtls}; picocli parses the arguments.
 */
@Command(name = "gdtls", mixinStandardHelpOptions = true, versionProvider = GdtlsCommand.Version.class,
        description = "DTLS through GLib/GIO's GDtlsConnection (glib-networking's GnuTLS backend).",
        subcommands = {ClientCommand.class, ServerCommand.class, InfoCommand.class, DemoCommand.class,
                HelpCommand.class})
public final class GdtlsCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int DTLS_ERROR = 1;
    static final int USAGE = 2;
    static final int NO_GIO = 3;
    /** Not returned by any command: the JVM's own status after SIGINT (SIGTERM: 143), once the shutdown hooks ran. */
    static final int INTERRUPTED = 130;
    static final int TERMINATED = 143;

    /** The table every command's usage help ends with (and the README repeats). */
    static final Map<String, String> EXIT_CODES = exitCodes();

    @Spec
    private CommandSpec spec;

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(" " + OK, "ok (a client's session ended with close_notify: end of stdin, or the server's)");
        codes.put(" " + DTLS_ERROR, "DTLS, GIO or I/O error, printed as domain:code message");
        codes.put(" " + USAGE, "usage error");
        codes.put(" " + NO_GIO, "GIO could not be loaded (libgio or glib-networking missing)");
        codes.put(String.valueOf(INTERRUPTED), "interrupted by Ctrl-C (SIGINT); sessions were closed with close_notify");
        codes.put(String.valueOf(TERMINATED), "terminated by SIGTERM; sessions were closed with close_notify");
        return codes;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command given");
    }

    public static void main(String[] args) {
        // Reports and datagram text in UTF-8 whatever the locale (stdin is read as UTF-8 too); JSON is UTF-8 anyway.
        System.setOut(utf8(FileDescriptor.out));
        System.setErr(utf8(FileDescriptor.err));
        System.exit(run(args));
    }

    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd)), true, StandardCharsets.UTF_8);
    }

    /** Runs the command line and returns its exit code. */
    static int run(String... args) {
        CommandLine commandLine = new CommandLine(new GdtlsCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(GdtlsCommand::failed);
        withExitCodes(commandLine);
        return commandLine.execute(args);
    }

    private static void withExitCodes(CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        commandLine.getSubcommands().values().forEach(GdtlsCommand::withExitCodes);
    }

    /** An exception a command did not report itself: {@code domain:code message} for GIO's, the exit code for it. */
    private static int failed(Exception failure, CommandLine commandLine, ParseResult parsed) {
        if (!(failure instanceof GioException || failure instanceof GioUnavailableException)) {
            failure.printStackTrace();
        }
        return new Output(false, System.err).fail(failure, null);
    }

    /** 3 when GIO cannot be loaded, 1 for every other failure. */
    static int exitCode(Throwable failure) {
        return failure instanceof GioUnavailableException ? NO_GIO : DTLS_ERROR;
    }

    /** The version the build wrote into the command's resources. */
    static final class Version implements IVersionProvider {
        static String of() {
            Properties properties = new Properties();
            try (InputStream in = GdtlsCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                return "unknown (" + e.getMessage() + ")";
            }
            return properties.getProperty("version", "unknown");
        }

        @Override
        public String[] getVersion() {
            return new String[] {"gdtls " + of() + " (gdtls-java, GLib/GIO DTLS)"};
        }
    }
}
