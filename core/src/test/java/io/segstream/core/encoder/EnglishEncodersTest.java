package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.math.Vectors;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The English encoders added for reading reviews (issue 14) load from their carrier jars and rank
 * what shoppers write the way a reader would; e5 sees its "query: " prefix.
 */
class EnglishEncodersTest {

    @ParameterizedTest
    @EnumSource(
            value = EncoderModel.class,
            names = {"BGE_SMALL_EN_V15_Q", "E5_SMALL_V2_Q"})
    void shouldRankAgreeingReviewsCloserAndTokenizeWithTheModelsPrefixOnly(EncoderModel model) {
        try (OnnxTextEncoder encoder =
                OnnxTextEncoder.open(EncoderConfig.defaults().withModel(model))) {
            List<float[]> v =
                    encoder.encodeBatch(
                            List.of(
                                    "The fabric is itchy and the dress fell apart after one wash.",
                                    "Poor quality, it ripped the second time I wore it.",
                                    "Beautiful colour and a perfect fit, I love it."));
            assertThat(v.get(0)).hasSize(384);
            assertThat(Vectors.cosine(v.get(0), v.get(1)))
                    .isGreaterThan(Vectors.cosine(v.get(0), v.get(2)));
            // [CLS] red dress [SEP], and "query" ":" in front for e5
            assertThat(encoder.tokenize(List.of("red dress")).length())
                    .isEqualTo(model.prefix().isEmpty() ? 4 : 6);
        }
    }
}
