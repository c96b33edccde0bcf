package io.segstream.app.runtime;

import io.segstream.app.config.SegstreamConfig;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * Kafka refused the app's credentials or denied its principal an operation. Retrying cannot help,
 * so the app stops, with a message that names what was refused and the setting or ACL to fix
 * ({@link #explain}).
 */
public final class KafkaAccessException extends RuntimeException {

    static final String SEE_ACLS =
            "the README's \"Secured Kafka\" section lists every ACL it needs";

    public KafkaAccessException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * If {@code failure} or one of its causes is an authentication or authorization error, one line
     * saying what Kafka refused and what to fix, e.g. {@code Kafka refused the credentials
     * (SaslAuthenticationException: ...): check kafka.sasl.jaas.config / kafka.sasl.mechanism}.
     */
    public static Optional<String> explain(Throwable failure, SegstreamConfig config) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String cause = "(" + SegstreamApp.oneLine(t) + ")";
            if (t instanceof SslAuthenticationException) {
                return Optional.of(
                        "the TLS handshake with Kafka failed "
                                + cause
                                + ": check kafka.security.protocol and"
                                + " kafka.ssl.truststore.location / kafka.ssl.truststore.password");
            }
            if (t instanceof AuthenticationException) {
                return Optional.of(
                        "Kafka refused the credentials "
                                + cause
                                + ": check kafka.sasl.jaas.config / kafka.sasl.mechanism");
            }
            if (t instanceof TopicAuthorizationException denied) {
                Set<String> topics = new TreeSet<>(denied.unauthorizedTopics());
                String grants =
                        topics.stream()
                                .map(
                                        topic ->
                                                RequiredAcls.neededOn(config, topic)
                                                                .orElse("access")
                                                        + " on topic "
                                                        + topic)
                                .collect(Collectors.joining(", "));
                return Optional.of(
                        "Kafka denied this principal access to topic "
                                + String.join(", ", topics)
                                + " "
                                + cause
                                + ": grant it "
                                + (grants.isEmpty() ? "the topic ACLs" : grants)
                                + "; "
                                + SEE_ACLS);
            }
            if (t instanceof GroupAuthorizationException denied) {
                return Optional.of(
                        "Kafka denied this principal its consumer group "
                                + cause
                                + ": grant it READ on group "
                                + (denied.groupId() != null
                                        ? denied.groupId()
                                        : config.getString(SegstreamConfig.APPLICATION_ID_CONFIG))
                                + "; "
                                + SEE_ACLS);
            }
            if (t instanceof TransactionalIdAuthorizationException) {
                return Optional.of(
                        "Kafka denied this principal its exactly-once transactions "
                                + cause
                                + ": grant it WRITE on transactional ids prefixed "
                                + RequiredAcls.internalPrefix(config)
                                + "; "
                                + SEE_ACLS);
            }
            if (t instanceof AuthorizationException) {
                return Optional.of(
                        "Kafka denied this principal an operation " + cause + ": " + SEE_ACLS);
            }
        }
        return Optional.empty();
    }
}
