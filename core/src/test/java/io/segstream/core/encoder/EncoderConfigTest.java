package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncoderConfigTest {

    @Test
    void shouldDefaultToTheInt8MiniLmOnCpu() {
        EncoderConfig config = EncoderConfig.fromMap(Map.of());
        assertThat(config.model()).isEqualTo(EncoderModel.ALL_MINILM_L6_V2_Q);
        assertThat(config.executionProvider()).isEqualTo(EncoderConfig.ExecutionProvider.CPU);
        assertThat(config.maxLength()).isEqualTo(128);
        assertThat(config.intraOpThreads()).isEqualTo(1);
    }

    @Test
    void shouldReadEveryKey() {
        EncoderConfig config =
                EncoderConfig.fromMap(
                        Map.of(
                                "encoder.model", "bge-small-zh-v15-q",
                                "encoder.max.length", "64",
                                "encoder.intra.op.threads", "2",
                                "encoder.execution.provider", "CUDA",
                                "encoder.cache.max.entries", "10",
                                "encoder.model.cache.dir", "/tmp/models"));
        assertThat(config)
                .isEqualTo(
                        new EncoderConfig(
                                EncoderModel.BGE_SMALL_ZH_V15_Q,
                                64,
                                2,
                                EncoderConfig.ExecutionProvider.CUDA,
                                10,
                                Path.of("/tmp/models")));
        assertThat(config.describe()).containsOnlyKeys(EncoderConfig.keys());
    }

    @Test
    void shouldNameTheKeyAndTheAllowedValuesWhenInvalid() {
        assertThatThrownBy(() -> EncoderConfig.fromMap(Map.of("encoder.model", "gpt-5")))
                .hasMessageContaining("gpt-5")
                .hasMessageContaining("all-minilm-l6-v2-q, all-minilm-l6-v2, bge-small-zh-v15-q");
        assertThatThrownBy(() -> EncoderConfig.fromMap(Map.of("encoder.max.length", "4")))
                .hasMessageContaining("encoder.max.length")
                .hasMessageContaining("8..512");
        assertThatThrownBy(() -> EncoderConfig.fromMap(Map.of("encoder.intra.op.threads", "two")))
                .hasMessageContaining("encoder.intra.op.threads")
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> EncoderConfig.fromMap(Map.of("encoder.execution.provider", "tpu")))
                .hasMessageContaining("cpu or cuda");
    }

    @Test
    void shouldRejectUnknownEncoderKeys() {
        assertThatThrownBy(() -> EncoderConfig.fromMap(Map.of("encoder.modle", "x")))
                .hasMessageContaining("encoder.modle")
                .hasMessageContaining("encoder.model");
    }
}
