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
}
