package io.segstream.app.rest;

import io.segstream.app.config.SegstreamConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * Who may call what: the admin token ({@code rest.admin.token}) opens the mutating endpoints, which
 * are refused outright while none is configured; the read token ({@code rest.read.token}), when
 * configured, guards reads, which the admin token also opens. Tokens are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, so that neither the time taken nor the length of a
 * guess tells how close it was.
 */
final class AccessControl {

    /** What an endpoint needs. */
    enum Level {
        /** Probes: always answered. */
        OPEN,
        /** Reads: the read token when one is configured, or the admin token. */
        READ,
        /** Mutations: the admin token, which must be configured. */
        ADMIN
    }

    /** Why a request is refused: its HTTP status and a message for the caller. */
    record Denial(int status, String error) {}

    private static final String BEARER = "bearer ";

    private final byte[] adminDigest;
    private final byte[] readDigest;

    AccessControl(Password adminToken, Password readToken) {
        this.adminDigest = adminToken == null ? null : digest(adminToken.value());
        this.readDigest = readToken == null ? null : digest(readToken.value());
    }

    static AccessControl of(SegstreamConfig config) {
        return new AccessControl(
                config.getPassword(SegstreamConfig.REST_ADMIN_TOKEN_CONFIG),
                config.getPassword(SegstreamConfig.REST_READ_TOKEN_CONFIG));
    }

    /** Empty when a request with this {@code Authorization} header may call an endpoint. */
    Optional<Denial> check(Level level, String authorization) {
        switch (level) {
            case OPEN:
                return Optional.empty();
            case READ:
                if (readDigest == null) {
                    return Optional.empty();
                }
                byte[] presented = presented(authorization);
                if (presented == null) {
                    return Optional.of(missing());
                }
                // both comparisons run, so that timing does not tell which token was close
                boolean read = MessageDigest.isEqual(readDigest, presented);
                boolean admin =
                        adminDigest != null && MessageDigest.isEqual(adminDigest, presented);
                return read | admin ? Optional.empty() : Optional.of(wrong());
            case ADMIN:
                if (adminDigest == null) {
                    return Optional.of(
                            new Denial(
                                    403,
                                    "this endpoint is disabled: no admin token is configured; set "
                                            + SegstreamConfig.REST_ADMIN_TOKEN_CONFIG
                                            + " on every instance to enable it"));
                }
                byte[] token = presented(authorization);
                if (token == null) {
                    return Optional.of(missing());
                }
                return MessageDigest.isEqual(adminDigest, token)
                        ? Optional.empty()
                        : Optional.of(wrong());
            default:
                throw new IllegalArgumentException(level.name());
        }
    }

    /** The digest of the bearer token of the header, or null when there is none. */
    private static byte[] presented(String authorization) {
        if (authorization == null
                || authorization.length() <= BEARER.length()
                || !authorization
                        .substring(0, BEARER.length())
                        .toLowerCase(Locale.ROOT)
                        .equals(BEARER)) {
            return null;
        }
        return digest(authorization.substring(BEARER.length()).strip());
    }

    private static Denial missing() {
        return new Denial(401, "missing credentials: send 'Authorization: Bearer <token>'");
    }

    private static Denial wrong() {
        return new Denial(401, "invalid token");
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
