package io.segstream.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The settings that keep the dead-letter path within one producer request. */
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
