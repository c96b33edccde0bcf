package io.segstream.app.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A secured broker listener for {@link EmbeddedKafkaCluster.Builder#optSaslSsl}: TLS with the
 * server certificate of {@code keystore} (PKCS12, valid for {@code 127.0.0.1}), SASL with SCRAM
 * ({@value #MECHANISM}) for the {@code users} (name to password, {@value #ADMIN} among them), and
 * ACLs enforced by Kafka's {@code StandardAuthorizer}, where only {@value #ADMIN} is a super user
 * and nothing is allowed without an ACL. Clients trust {@code truststore} (PKCS12). One password
 * opens both stores and the key.
 */
public record SaslSsl(
        Path keystore, Path truststore, String storePassword, Map<String, String> users) {

    /** The SCRAM mechanism of the listener, of the broker's own connections and of clients. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    /** The super user: the broker's inter-broker principal and the cluster's admin client. */
    public static final String ADMIN = "admin";

    public SaslSsl {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(truststore, "truststore");
        Objects.requireNonNull(storePassword, "storePassword");
        users = Map.copyOf(Objects.requireNonNull(users, "users"));
        for (Path store : new Path[] {keystore, truststore}) {
            if (!Files.isRegularFile(store)) {
                throw new IllegalArgumentException("no PKCS12 store at " + store);
            }
        }
        if (!users.containsKey(ADMIN)) {
            throw new IllegalArgumentException(
                    "users must include the super user '"
                            + ADMIN
                            + "' (the broker connects as it), got "
                            + users.keySet());
        }
        users.forEach(
                (user, password) -> {
                    // the storage tool parses name=...,password=... inside brackets
                    if (!user.matches("[A-Za-z0-9_.-]+") || !password.matches("[A-Za-z0-9_.-]+")) {
                        throw new IllegalArgumentException(
                                "SCRAM user names and passwords must be [A-Za-z0-9_.-]+, got user '"
                                        + user
                                        + "'");
                    }
                });
    }

    /** The broker side: listener security, SCRAM login of the broker itself, the authorizer. */
    Map<String, String> brokerProperties() {
        String listener = EmbeddedKafkaCluster.SASL_SSL_LISTENER.toLowerCase();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put(
                "listener.name." + listener + "." + MECHANISM.toLowerCase() + ".sasl.jaas.config",
                jaas(ADMIN, users.get(ADMIN)));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", keystore.toString());
        p.put("ssl.keystore.password", storePassword);
        p.put("ssl.key.password", storePassword);
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", storePassword);
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        // The controller listener is PLAINTEXT (KRaft cannot use SCRAM between controllers), so
        // the broker registers and heartbeats with the controller as User:ANONYMOUS; that
        // listener is bound to 127.0.0.1 and serves controller requests only.
        p.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        return p;
    }

    /** The client side: what every client of {@code user} needs besides the bootstrap servers. */
    Map<String, Object> clientSecurity(String user, String password) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(user, password));
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", storePassword);
        return p;
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";";
    }

    @Override
    public String toString() {
        // never the passwords: this record ends up in log lines and assertion messages
        return "SaslSsl[keystore="
                + keystore
                + ", truststore="
                + truststore
                + ", users="
                + users.keySet()
                + "]";
    }
}
