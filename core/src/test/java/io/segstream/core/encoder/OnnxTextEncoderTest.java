package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.math.Vectors;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxTextEncoderTest {

    private static OnnxTextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = OnnxTextEncoder.open(EncoderConfig.defaults());
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void shouldProduceUnitVectorsOfTheModelDimension() {
        float[] v = encoder.encode("wireless bluetooth headphones");
        assertThat(encoder.dimension()).isEqualTo(384);
        assertThat(encoder.modelId()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(v).hasSize(384);
        assertThat(Math.sqrt(dot(v, v))).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void shouldRankHeadphonesCloserToEarbudsThanToDogFood() {
        List<float[]> v =
                encoder.encodeBatch(
                        List.of(
                                "wireless bluetooth headphones",
                                "noise cancelling earbuds",
                                "organic dog food"));
        assertThat(Vectors.cosine(v.get(0), v.get(1)))
                .isGreaterThan(Vectors.cosine(v.get(0), v.get(2)) + 0.1);
    }

    @Test
    void shouldGiveTheSameEmbeddingAloneAndInAPaddedBatch() {
        try (var fp32 =
                OnnxTextEncoder.open(
                        EncoderConfig.defaults().withModel(EncoderModel.ALL_MINILM_L6_V2))) {
            assertThat(cosineAloneVersusPadded(fp32)).isGreaterThan(0.9999);
        }
        // int8 graphs quantise activations per batch, so batch-mates shift a vector slightly
        assertThat(cosineAloneVersusPadded(encoder)).isGreaterThan(0.98);
    }

    private static double cosineAloneVersusPadded(OnnxTextEncoder e) {
        String shortText = "red mug";
        float[] alone = e.encode(shortText);
        List<float[]> batch =
                e.encodeBatch(
                        List.of(
                                "a much longer product title that forces padding of the short one",
                                shortText));
        return Vectors.cosine(alone, batch.get(1));
    }

    @Test
    void shouldTruncateTextsLongerThanMaxLength() {
        String review = "lovely soft cushion cover with a bright floral print ".repeat(400);
        float[] v = encoder.encode(review);
        float[] head =
                encoder.encode("lovely soft cushion cover with a bright floral print ".repeat(20));
        assertThat(v).hasSize(384);
        assertThat(Vectors.cosine(v, head)).isGreaterThan(0.95);
    }

    @Test
    void shouldTreatEmptyAndNullTextAlike() {
        assertThat(Vectors.cosine(encoder.encode(""), encoder.encode(null))).isGreaterThan(0.9999);
        assertThat(encoder.encodeBatch(List.of())).isEmpty();
    }

    @Test
    void shouldUseClsPoolingForBge() {
        try (var bge =
                OnnxTextEncoder.open(
                        EncoderConfig.defaults().withModel(EncoderModel.BGE_SMALL_ZH_V15_Q))) {
            assertThat(bge.model().pooling()).isEqualTo(Pooling.CLS);
            assertThat(bge.encode("无线蓝牙耳机")).hasSize(512);
        }
    }

    @Test
    void shouldRefuseAModelFileWhoseHiddenSizeDoesNotMatchTheRegistry() {
        EncoderConfig config = EncoderConfig.defaults();
        ModelFiles minilm =
                ModelFiles.extract(EncoderModel.ALL_MINILM_L6_V2_Q, config.modelCacheDir());
        // the MiniLM graph (384 dims) presented as bge-small-zh (512 dims)
        ModelFiles mislabelled =
                new ModelFiles(
                        EncoderModel.BGE_SMALL_ZH_V15_Q,
                        minilm.onnx(),
                        minilm.tokenizer(),
                        minilm.sha256());
        assertThatThrownBy(() -> OnnxTextEncoder.open(mislabelled, config))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("last_hidden_state")
                .hasMessageContaining("512")
                .hasMessageContaining("bge-small-zh-v15-q");
    }

    @Test
    void shouldRefuseAFileThatIsNotAnOnnxGraph() {
        EncoderConfig config = EncoderConfig.defaults();
        ModelFiles minilm =
                ModelFiles.extract(EncoderModel.ALL_MINILM_L6_V2_Q, config.modelCacheDir());
        ModelFiles tokenizerAsGraph =
                new ModelFiles(
                        minilm.model(), minilm.tokenizer(), minilm.tokenizer(), minilm.sha256());
        assertThatThrownBy(() -> OnnxTextEncoder.open(tokenizerAsGraph, config))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("cannot open")
                .hasMessageContaining(minilm.tokenizer().toString());
    }

    @Test
    void shouldFallBackToCpuWhenCudaIsMissing() {
        EncoderConfig cuda =
                EncoderConfig.fromMap(
                        java.util.Map.of(EncoderConfig.EXECUTION_PROVIDER_CONFIG, "cuda"));
        try (var e = OnnxTextEncoder.open(cuda)) {
            assertThat(e.onGpu()).isFalse();
            assertThat(e.encode("still works on CPU")).hasSize(384);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
