package io.segstream.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.embedded.SaslSsl;
import io.segstream.app.runtime.RequiredAcls;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.testing.TestKeystores;
import io.segstream.cli.SegstreamCli;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.OrderStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * segstream against a broker that authenticates clients with SCRAM over TLS (a SASL_SSL listener, a
 * certificate made at test time) and authorizes every request with ACLs ({@code
 * StandardAuthorizer}, nothing allowed without an ACL, {@code User:admin} the only super user): the
 * app, configured only through {@code kafka.*} settings and granted only {@link RequiredAcls},
 * segments customers end to end; wrong credentials end {@code run} at once with one line naming the
 * settings to fix; a principal that may not write the segments topic stops the engine within
 * seconds, naming the topic and the ACL, instead of retrying.
 */
class SecuredClusterIntegrationTest {

    static final String STORE_PASSWORD = "store-secret";
    static final String APP_USER = "segstream-app";
    static final String APP_PASSWORD = "app-secret";
    static final String NO_WRITE_USER = "segstream-nowrite";
    static final String NO_WRITE_PASSWORD = "nowrite-secret";
    static final Instant T0 = Instant.parse("2011-03-01T10:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(60);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ADMIN_TOKEN = "admin-token-0123456789";

    static EmbeddedKafkaCluster kafka;
    static Path truststore;

    @TempDir static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Path keystore =
                TestKeystores.selfSigned(dir.resolve("broker.p12"), "broker", STORE_PASSWORD);
        truststore =
                TestKeystores.trusting(
                        keystore, "broker", STORE_PASSWORD, dir.resolve("truststore.p12"));
        kafka =
                EmbeddedKafkaCluster.builder()
                        .optSaslSsl(
                                new SaslSsl(
                                        keystore,
                                        truststore,
                                        STORE_PASSWORD,
                                        Map.of(
                                                SaslSsl.ADMIN,
                                                "admin-secret",
                                                APP_USER,
                                                APP_PASSWORD,
                                                NO_WRITE_USER,
                                                NO_WRITE_PASSWORD)))
                        .start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** What a user puts in the properties file of {@code segstream run --config}. */
    static Map<String, String> securitySettings(String user, String password) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.security.protocol", "SASL_SSL");
        s.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        s.put(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\""
                        + user
                        + "\" password=\""
                        + password
                        + "\";");
        s.put("kafka.ssl.truststore.type", "PKCS12");
        s.put("kafka.ssl.truststore.location", truststore.toString());
        s.put("kafka.ssl.truststore.password", STORE_PASSWORD);
        return s;
    }

    /** A small app: one partition, two segments seeded from the first four customers at once. */
    static Map<String, String> appSettings(String name) {
        Map<String, String> s = new HashMap<>();
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, name + "-app");
        s.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, name + ".");
        s.put(SegstreamConfig.STATE_DIR_CONFIG, dir.resolve("state-" + name).toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, "1");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put(SegstreamConfig.SEGMENTS_K_CONFIG, "2");
        s.put(SegstreamConfig.SEED_USERS_CONFIG, "4");
        s.put(SegstreamConfig.SEED_WARMUP_MS_CONFIG, "0");
        s.put(SegstreamConfig.FLUSH_RECORDS_CONFIG, "1");
        s.put(SegstreamConfig.REFIT_EVERY_CONFIG, "0");
        s.put(SegstreamConfig.REST_ADMIN_TOKEN_CONFIG, ADMIN_TOKEN);
        s.put("kafka.commit.interval.ms", "100");
        return s;
    }

    static SegstreamConfig config(String name, String user, String password) {
        Map<String, String> s = appSettings(name);
        s.putAll(securitySettings(user, password));
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return SegstreamConfig.of(s);
    }

    @Test
    void shouldSegmentCustomersOverSaslSslWithOnlyTheRequiredAcls() throws Exception {
        SegstreamConfig config = config("sec-ok", APP_USER, APP_PASSWORD);
        grant(RequiredAcls.of(config, "User:" + APP_USER));
        try (SegstreamApp app = SegstreamApp.start(config)) {
            app.awaitRunning(WAIT);
            KafkaIo.produceOrders(kafka.clientProperties(), config.topics().orders(), orders(8));

            var records =
                    KafkaIo.readUntil(
                            kafka.clientProperties(),
                            config.topics().segments(),
                            rs -> KafkaIo.latestSegments(rs).size() == 8,
                            WAIT);
            assertThat(KafkaIo.latestSegments(records)).hasSize(8);
            assertThat(app.deathReason()).isEmpty();
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);

            // the app's own clients authenticate too: the broker probe behind readiness ...
            String base = "http://127.0.0.1:" + app.restPort();
            HttpResponse<String> ready =
                    send(HttpRequest.newBuilder(URI.create(base + "/health/ready")));
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            // ... the producer of erasure requests ...
            HttpResponse<String> erased =
                    send(
                            HttpRequest.newBuilder(URI.create(base + "/users/u-0"))
                                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                    .DELETE());
            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(202);
        }
        // ... and the topic admin and reader of `segstream model list`, with -D settings
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "model",
                                "list",
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "-D",
                                SegstreamConfig.TOPIC_PREFIX_CONFIG
                                        + "="
                                        + config.topics().prefix()));
        securitySettings(APP_USER, APP_PASSWORD)
                .forEach(
                        (k, v) -> {
                            args.add("-D");
                            args.add(k + "=" + v);
                        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(cli(out, err).execute(args.toArray(String[]::new)))
                .as("model list; stderr: %s", err)
                .isZero();
        assertThat(out.toString()).containsPattern("(?m)^\\s+1\\s+1\\s");
    }

    @Test
    void shouldEndRunWithOneLineNamingTheSettingsWhenTheCredentialsAreWrong() throws Exception {
        Path file = propertiesFile("sec-badpw", securitySettings(APP_USER, "not-the-password"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long started = System.nanoTime();
        int exit = run(file, out, err);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("wrong credentials: run exited %d after %.1f s%n", exit, seconds);

        assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo(
                        "segstream: Kafka refused the credentials (SaslAuthenticationException:"
                                + " Authentication failed during authentication due to invalid"
                                + " credentials with SASL mechanism SCRAM-SHA-512): check"
                                + " kafka.sasl.jaas.config / kafka.sasl.mechanism");
        assertThat(seconds).isLessThan(20.0);
        // the banner prints the settings, never the secrets in them
        assertThat(out.toString())
                .contains("kafka.sasl.jaas.config")
                .doesNotContain("not-the-password")
                .doesNotContain(STORE_PASSWORD);
    }

    @Test
    void shouldStopTheEngineWithinSecondsWhenThePrincipalMayNotWriteTheSegmentsTopic()
            throws Exception {
        SegstreamConfig config = config("sec-nowrite", NO_WRITE_USER, NO_WRITE_PASSWORD);
        String segments = config.topics().segments();
        grant(requiredButWriteOnSegments(config));

        String expected =
                "Kafka denied this principal access to topic "
                        + segments
                        + " (TopicAuthorizationException: Not authorized to access topics: ["
                        + segments
                        + "]): grant it WRITE on topic "
                        + segments
                        + "; the README's \"Secured Kafka\" section lists every ACL it needs";
        try (SegstreamApp app = SegstreamApp.start(config)) {
            app.awaitRunning(WAIT);
            String health = "http://127.0.0.1:" + app.restPort() + "/health";
            KafkaIo.produceOrders(kafka.clientProperties(), config.topics().orders(), orders(8));
            long sent = System.nanoTime();

            long deadline = sent + WAIT.toNanos();
            while (app.deathReason().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - sent) / 1e9;
            System.out.printf(
                    "no WRITE on %s: engine dead %.1f s after the input%n", segments, seconds);
            assertThat(app.deathReason()).contains(expected);
            assertThat(seconds).isLessThan(20.0);

            HttpResponse<String> down = send(HttpRequest.newBuilder(URI.create(health)));
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body())
                    .contains("\"status\":\"DOWN\"")
                    .contains("WRITE on topic " + segments);
            long stopDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (app.streams().state() != KafkaStreams.State.ERROR
                    && System.nanoTime() < stopDeadline) {
                Thread.sleep(20);
            }
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.ERROR);
        }

        // `run`, as another application on the same topics (a restart of the dead one would wait
        // for its consumer's session to expire), meets the same input, stops and exits
        Map<String, String> cliSettings = securitySettings(NO_WRITE_USER, NO_WRITE_PASSWORD);
        cliSettings.put(SegstreamConfig.APPLICATION_ID_CONFIG, "sec-nowrite-cli");
        Path file = propertiesFile("sec-nowrite", cliSettings);
        Map<String, Object> all = new HashMap<>(config.originals());
        all.putAll(cliSettings);
        grant(requiredButWriteOnSegments(SegstreamConfig.of(all)));
        StringWriter err = new StringWriter();
        int exit = run(file, new StringWriter(), err);
        assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(3);
        assertThat(err.toString().strip())
                .isEqualTo(
                        "segstream: the streaming engine stopped: "
                                + expected
                                + ". See the log above; fix the cause and restart.");
    }

    @Test
    void shouldEndRunWithOneLineNamingTheSettingsWhenTheServerIsNotTrusted() throws Exception {
        Path stranger =
                TestKeystores.selfSigned(dir.resolve("stranger.p12"), "stranger", STORE_PASSWORD);
        Map<String, String> security = securitySettings(APP_USER, APP_PASSWORD);
        security.put(
                "kafka.ssl.truststore.location",
                TestKeystores.trusting(
                                stranger,
                                "stranger",
                                STORE_PASSWORD,
                                dir.resolve("stranger-trust.p12"))
                        .toString());
        Path file = propertiesFile("sec-untrusted", security);
        StringWriter err = new StringWriter();
        int exit = run(file, new StringWriter(), err);
        assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(2);
        assertThat(err.toString().strip())
                .startsWith(
                        "segstream: the TLS handshake with Kafka failed (SslAuthenticationException:")
                .endsWith(
                        "): check kafka.security.protocol and kafka.ssl.truststore.location /"
                                + " kafka.ssl.truststore.password")
                .doesNotContain("\n");
    }

    /**
     * The ACLs of the no-write user: what the app needs but WRITE on the segments topic, and
     * DESCRIBE there, as when an operator revoked WRITE only.
     */
    static List<AclBinding> requiredButWriteOnSegments(SegstreamConfig config) {
        String principal = "User:" + NO_WRITE_USER;
        String segments = config.topics().segments();
        List<AclBinding> acls = new ArrayList<>(RequiredAcls.of(config, principal));
        assertThat(acls.remove(topicAcl(principal, segments, AclOperation.WRITE)))
                .as("WRITE on %s is required", segments)
                .isTrue();
        acls.add(topicAcl(principal, segments, AclOperation.DESCRIBE));
        return acls;
    }

    /** Orders of {@code users} customers over a week, two big spenders in every four. */
    static List<OrderEvent> orders(int users) {
        List<OrderEvent> out = new ArrayList<>();
        for (int day = 0; day < 3; day++) {
            for (int u = 0; u < users; u++) {
                Instant time = T0.plus(Duration.ofDays(day)).plusSeconds(u);
                double price = u % 4 < 2 ? 250.0 : 2.5;
                out.add(
                        OrderEvent.newBuilder()
                                .setOrderId("o-" + u + "-" + day)
                                .setUserId("u-" + u)
                                .setEventTime(time)
                                .setStatus(OrderStatus.PLACED)
                                .setCountry("GB")
                                .setLines(
                                        List.of(
                                                OrderLine.newBuilder()
                                                        .setProductId("p-" + u % 4)
                                                        .setTitle(
                                                                u % 4 < 2
                                                                        ? "Leather armchair"
                                                                        : "Red retrospot mug")
                                                        .setCategory("Home/Kitchen")
                                                        .setQuantity(1 + day)
                                                        .setUnitPrice(price)
                                                        .build()))
                                .build());
            }
        }
        return out;
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(
                request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static AclBinding topicAcl(String principal, String topic, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** Creates the ACLs as the super user. */
    static void grant(List<AclBinding> acls) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createAcls(acls).all().get();
        }
    }

    /** The app settings of {@code name}, with {@code overrides} (security, ...) on top. */
    static Path propertiesFile(String name, Map<String, String> overrides) throws Exception {
        Properties p = new Properties();
        p.putAll(appSettings(name));
        p.putAll(overrides);
        Path file = dir.resolve(name + ".properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        return file;
    }

    /** {@code segstream run --config FILE} against the secured broker; returns the exit code. */
    private int run(Path file, StringWriter out, StringWriter err) {
        return cli(out, err)
                .execute(
                        "run",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--config",
                        file.toString());
    }

    static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cli = SegstreamCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli;
    }
}
