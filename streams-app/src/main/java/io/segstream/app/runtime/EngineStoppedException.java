package io.segstream.app.runtime;

/**
 * The Kafka Streams client stopped on its own (an uncaught error, or a shutdown segstream did not
 * ask for): the app no longer processes anything, so a command that waits on it must end.
 */
public final class EngineStoppedException extends RuntimeException {

    private final String reason;

    public EngineStoppedException(String reason) {
        super("the streaming engine stopped: " + reason);
        this.reason = reason;
    }

    /**
     * One line naming the root cause, e.g. "stream thread failed: RecordTooLargeException: ...".
     */
    public String reason() {
        return reason;
    }
}
