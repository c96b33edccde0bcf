package io.segstream.app.errors;

/**
 * The error {@code fault.injection.fatal.user} raises, for fault-injection tests only: the
 * processing-exception handler never dead-letters it, so the stream thread dies as it would on a
 * real fatal error and the tests can watch the app notice.
 */
public final class InjectedFatalException extends RuntimeException {

    public InjectedFatalException(String user) {
        super(
                "injected fatal error for user '"
                        + user
                        + "' (fault.injection.fatal.user is set: a fault-injection test setting)");
    }
}
