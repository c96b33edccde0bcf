package io.segstream.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The settings that keep the dead-letter path within one producer request, reach every Kafka
 * client, and keep secrets out of the banner.
 */
class SegstreamConfigTest {

    @Test
    void shouldReadTheProducersMaxRequestSizeFromEitherKafkaKey() {
        assertThat(SegstreamConfig.of(Map.of()).producerMaxRequestSize()).isEqualTo(1024 * 1024);
        assertThat(
                        SegstreamConfig.of(Map.of("kafka.producer.max.request.size", "600000"))
                                .producerMaxRequestSize())
                .isEqualTo(600000);
        assertThat(
                        SegstreamConfig.of(Map.of("kafka.max.request.size", "700000"))
                                .producerMaxRequestSize())
                .isEqualTo(700000);
    }

    @Test
    void shouldRefuseAModelRecordLargerThanTheConsumerFetchesFromOnePartition() {
        // the broker hands an over-sized batch only to a fetch's first partition: the model loop
        // would stall behind the input, as it did in the demo with a 32 KiB fetch
        assertThatThrownBy(
                        () ->
                                SegstreamConfig.of(
                                        Map.of(
                                                "kafka.main.consumer.max.partition.fetch.bytes",
                                                "32768")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SegstreamConfig.MODEL_RECORD_MAX_BYTES_CONFIG + "=262144")
                .hasMessageContaining("max.partition.fetch.bytes of 32768");
        assertThat(
                        SegstreamConfig.of(
                                        Map.of(
                                                "kafka.consumer.max.partition.fetch.bytes",
                                                "32768",
                                                SegstreamConfig.MODEL_RECORD_MAX_BYTES_CONFIG,
                                                "16384"))
                                .consumerMaxPartitionFetchBytes())
                .isEqualTo(32768);
    }

    @Test
    void shouldRefuseADeadLetterBoundThatDoesNotFitOneRequest() {
        assertThatThrownBy(
                        () ->
                                SegstreamConfig.of(
                                        Map.of(
                                                "kafka.producer.max.request.size",
                                                "400000",
                                                SegstreamConfig.DLQ_MAX_PAYLOAD_CONFIG,
                                                "262144")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dlq.max.payload.bytes=262144")
                .hasMessageContaining("at most 195904");
        assertThat(
                        SegstreamConfig.of(
                                        Map.of(
                                                "kafka.producer.max.request.size",
                                                "400000",
                                                SegstreamConfig.DLQ_MAX_PAYLOAD_CONFIG,
                                                "195904"))
                                .getInt(SegstreamConfig.DLQ_MAX_PAYLOAD_CONFIG))
                .isEqualTo(195904);
    }

    static final Map<String, Object> SECURED =
            Map.of(
                    "bootstrap.servers", "kafka-1:9093",
                    "kafka.security.protocol", "SASL_SSL",
                    "kafka.sasl.mechanism", "SCRAM-SHA-512",
                    "kafka.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                    + " username=\"app\" password=\"jaas-secret\";",
                    "kafka.ssl.truststore.location", "/etc/segstream/truststore.p12",
                    "kafka.ssl.truststore.password", "truststore-secret",
                    "kafka.ssl.endpoint.identification.algorithm", "https",
                    "kafka.producer.ssl.key.password", "key-secret",
                    "kafka.num.stream.threads", "2");

    @Test
    void shouldPassEveryKafkaSecuritySettingToStreamsAndToTheAppsOwnClients() {
        SegstreamConfig config = SegstreamConfig.of(SECURED);
        var streams = config.streamsProperties();
        SECURED.forEach(
                (k, v) -> {
                    if (k.startsWith("kafka.")) {
                        assertThat(streams).containsEntry(k.substring("kafka.".length()), v);
                    }
                });
        // the admin clients, producers and consumers the app creates itself start from this
        assertThat(config.kafkaClientProperties())
                .containsOnly(
                        Map.entry("bootstrap.servers", "kafka-1:9093"),
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                        Map.entry("sasl.jaas.config", SECURED.get("kafka.sasl.jaas.config")),
                        Map.entry("ssl.truststore.location", "/etc/segstream/truststore.p12"),
                        Map.entry("ssl.truststore.password", "truststore-secret"),
                        Map.entry("ssl.endpoint.identification.algorithm", "https"));
    }

    @Test
    void shouldNeverPrintKafkaSecrets() {
        Map<String, String> banner = SegstreamConfig.of(SECURED).describe();
        assertThat(banner)
                .containsEntry("kafka.sasl.jaas.config", "[hidden]")
                .containsEntry("kafka.ssl.truststore.password", "[hidden]")
                .containsEntry("kafka.producer.ssl.key.password", "[hidden]")
                .containsEntry("kafka.ssl.truststore.location", "/etc/segstream/truststore.p12")
                .containsEntry("kafka.sasl.mechanism", "SCRAM-SHA-512");
        assertThat(banner.toString()).doesNotContain("secret");
    }

    @Test
    void shouldNeverPrintTheRestTokensAndRefuseShortOnes() {
        SegstreamConfig config =
                SegstreamConfig.of(
                        Map.of(
                                SegstreamConfig.REST_ADMIN_TOKEN_CONFIG,
                                "s3cret-admin-token-value",
                                SegstreamConfig.REST_READ_TOKEN_CONFIG,
                                "s3cret-read-token-value"));
        assertThat(config.getPassword(SegstreamConfig.REST_ADMIN_TOKEN_CONFIG).value())
                .isEqualTo("s3cret-admin-token-value");
        assertThat(config.describe().toString()).doesNotContain("s3cret");
        assertThat(config.describe()).containsEntry("rest.admin.token", "[hidden]");
        assertThat(SegstreamConfig.of(Map.of()).getPassword("rest.admin.token")).isNull();
        assertThatThrownBy(
                        () ->
                                SegstreamConfig.of(
                                        Map.of(SegstreamConfig.REST_READ_TOKEN_CONFIG, "short1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rest.read.token must be at least 16 characters")
                .hasMessageNotContaining("short1");
    }

    @Test
    void shouldKeepOneStandbyReplicaUnlessTold() {
        assertThat(SegstreamConfig.of(Map.of()).streamsProperties().get("num.standby.replicas"))
                .isEqualTo(1);
        assertThat(
                        SegstreamConfig.of(Map.of("kafka.num.standby.replicas", "0"))
                                .streamsProperties()
                                .get("num.standby.replicas"))
                .isEqualTo("0");
    }

    @Test
    void shouldRefuseAKeystoreWithoutItsPassword() {
        assertThatThrownBy(
                        () ->
                                SegstreamConfig.of(
                                        Map.of(
                                                SegstreamConfig.REST_TLS_KEYSTORE_PATH_CONFIG,
                                                "/tmp/rest.p12")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rest.tls.keystore.password");
    }
}
