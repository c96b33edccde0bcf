package io.segstream.app.rest;

/** A deletion request Kafka did not acknowledge: the caller should retry. */
final class DeletionFailedException extends RuntimeException {

    DeletionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
