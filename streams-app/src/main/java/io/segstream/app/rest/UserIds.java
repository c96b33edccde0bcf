package io.segstream.app.rest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The user ids the REST API accepts: 1 to {@value #MAX_BYTES} bytes of UTF-8, without '/', "..", or
 * control characters. Path segments are percent-decoded here rather than by the web framework,
 * strictly: a framework replaces invalid UTF-8 with U+FFFD, which would look up (or forward, or
 * erase) another user than the one the caller named.
 */
public final class UserIds {

    /** Longest user id, in UTF-8 bytes: far above any real id, small enough to bound a batch. */
    public static final int MAX_BYTES = 1024;

    private UserIds() {}

    /**
     * Decodes one raw (still percent-encoded) path segment into a valid user id.
     *
     * @throws InvalidUserIdException naming what is wrong
     */
    public static String fromPathSegment(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new InvalidUserIdException(
                            "the user id has a malformed percent-escape at character " + i);
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // a server that hands over the path undecoded may still pass non-ASCII through
                int codePoint = raw.codePointAt(i);
                if (Character.getType(codePoint) == Character.SURROGATE) {
                    throw new InvalidUserIdException(
                            "the user id is not valid Unicode (lone surrogate)");
                }
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
            if (bytes.size() > MAX_BYTES) {
                throw tooLong();
            }
        }
        String id;
        try {
            id =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes.toByteArray()))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUserIdException("the user id is not valid UTF-8 once percent-decoded");
        }
        return validate(id);
    }

    /**
     * Returns {@code id} when it is a valid user id.
     *
     * @throws InvalidUserIdException naming what is wrong
     */
    public static String validate(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidUserIdException("the user id is empty");
        }
        if (id.length() > MAX_BYTES || id.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw tooLong();
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidUserIdException(
                        String.format(
                                "the user id contains the control character U+%04X at %d",
                                (int) c, i));
            }
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c)
                            && i + 1 < id.length()
                            && Character.isLowSurrogate(id.charAt(++i)))) {
                throw new InvalidUserIdException(
                        "the user id is not valid Unicode (lone surrogate)");
            }
        }
        // '/' would change the path when forwarded, '..' would climb it
        if (id.indexOf('/') >= 0) {
            throw new InvalidUserIdException("the user id contains '/'");
        }
        if (id.contains("..")) {
            throw new InvalidUserIdException("the user id contains '..'");
        }
        return id;
    }

    private static InvalidUserIdException tooLong() {
        return new InvalidUserIdException(
                "the user id is longer than " + MAX_BYTES + " bytes of UTF-8");
    }
}
