package io.segstream.cli;

import io.segstream.app.runtime.EngineStoppedException;
import io.segstream.app.runtime.KafkaAccessException;
import io.segstream.core.encoder.EncoderException;
import picocli.CommandLine;

/**
 * Prints a failed command's error as one readable line instead of a stack trace, for the errors a
 * user can fix (bad settings, a missing file, a model that does not load); anything else is a bug
 * and keeps its stack trace.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

    static final int USER_ERROR = 2;

    /** The streams client stopped on its own: the run is over, whatever the command was doing. */
    static final int ENGINE_STOPPED = 3;

    @Override
    public int handleExecutionException(
            Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof EngineStoppedException stopped) {
            commandLine
                    .getErr()
                    .println(
                            commandLine
                                    .getColorScheme()
                                    .errorText(
                                            "segstream: the streaming engine stopped: "
                                                    + stopped.reason()
                                                    + ". See the log above; fix the cause and"
                                                    + " restart."));
            return ENGINE_STOPPED;
        }
        if (e instanceof KafkaAccessException refused) {
            // the message names the refused setting or ACL; a stack trace would bury it
            commandLine
                    .getErr()
                    .println(
                            commandLine
                                    .getColorScheme()
                                    .errorText("segstream: " + refused.getMessage()));
            return USER_ERROR;
        }
        if (e instanceof IllegalArgumentException
                || e instanceof EncoderException
                || e instanceof java.io.IOException
                || e instanceof org.apache.kafka.common.config.ConfigException
                || e instanceof IllegalStateException) {
            commandLine
                    .getErr()
                    .println(commandLine.getColorScheme().errorText("error: " + e.getMessage()));
            return USER_ERROR;
        }
        throw e;
    }
}
