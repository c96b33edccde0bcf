package io.segstream.schemas.registry;

/**
 * The registry answered, and the answer was a refusal: an unknown id or subject, an incompatible
 * schema, bad credentials. Retrying will not change it (an unreachable registry is retried
 * instead).
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int errorCode;

    public RegistryException(String message, int status, int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Confluent's error code (e.g. 40403 schema not found, 409 incompatible), or -1. */
    public int errorCode() {
        return errorCode;
    }

    public boolean notFound() {
        return status == 404;
    }
}
