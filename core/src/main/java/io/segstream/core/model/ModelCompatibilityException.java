package io.segstream.core.model;

/** A segment model that this instance cannot use; the message says what does not match. */
public class ModelCompatibilityException extends RuntimeException {
    public ModelCompatibilityException(String message) {
        super(message);
    }
}
