package io.segstream.app.cli;

import io.segstream.core.encoder.EncoderException;
import picocli.CommandLine;

/**
 * Prints a failed command's error as one readable line instead of a stack trace, for the errors a
 * user can fix (bad settings, a missing file, a model that does not load); anything else is a bug
 * and keeps its stack trace.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

    static final int USER_ERROR = 2;

    @Override
    public int handleExecutionException(
            Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
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
