package io.segstream.core.encoder;

/** The encoder could not be opened or could not encode; the message names what is wrong. */
public class EncoderException extends RuntimeException {

    public EncoderException(String message) {
        super(message);
    }

    public EncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
