package io.segstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code segstream} command line: one entry point, one subcommand per job. */
@Command(
        name = "segstream",
        mixinStandardHelpOptions = true,
        versionProvider = SegstreamCli.Version.class,
        description = "Real-time customer segmentation for e-commerce on Kafka Streams.",
        subcommands = {
            EncodeCommand.class,
            RunCommand.class,
            ProduceCommand.class,
            DemoCommand.class,
            TrainCommand.class,
            TrainHeadCommand.class,
            ModelCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SegstreamCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new SegstreamCli()).setExecutionExceptionHandler(new CliErrors());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Name a command, e.g. 'segstream encode \"red mug\"'.");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SegstreamCli.class.getPackage().getImplementationVersion();
            return new String[] {"segstream " + (v == null ? "(development build)" : v)};
        }
    }
}
