package io.segstream.app.rest;

/** A user id the REST API refuses (see {@link UserIds}); its message says what is wrong. */
public final class InvalidUserIdException extends IllegalArgumentException {

    public InvalidUserIdException(String message) {
        super(message);
    }
}
