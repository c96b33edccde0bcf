package io.segstream.app.rest;

/** A request the REST API refuses with 400; its message says what is wrong and the limit. */
final class BadRequestException extends IllegalArgumentException {

    BadRequestException(String message) {
        super(message);
    }
}
