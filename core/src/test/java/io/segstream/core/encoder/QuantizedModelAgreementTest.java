package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.dataset.ProductTitles;
import io.segstream.core.math.Vectors;
import io.segstream.core.testing.SharedData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The int8 model, the default, embeds real titles almost as the fp32 model does. */
class QuantizedModelAgreementTest {

    @Test
    void shouldAgreeWithTheFp32ModelOnRealTitles() throws Exception {
        List<String> titles = ProductTitles.distinct(SharedData.onlineRetailDev(), 200);
        assertThat(titles).hasSize(200);
        EncoderConfig config = EncoderConfig.defaults();
        List<float[]> int8;
        List<float[]> fp32;
        try (var q = OnnxTextEncoder.open(config.withModel(EncoderModel.ALL_MINILM_L6_V2_Q))) {
            int8 = q.encodeBatch(titles);
        }
        try (var f = OnnxTextEncoder.open(config.withModel(EncoderModel.ALL_MINILM_L6_V2))) {
            fp32 = f.encodeBatch(titles);
        }
        double sum = 0;
        double min = 1;
        for (int i = 0; i < titles.size(); i++) {
            double c = Vectors.cosine(int8.get(i), fp32.get(i));
            sum += c;
            min = Math.min(min, c);
        }
        double mean = sum / titles.size();
        System.out.printf(
                "int8 vs fp32 over %d real titles: mean cosine %.4f, min %.4f%n",
                titles.size(), mean, min);
        assertThat(mean).isGreaterThanOrEqualTo(0.9);
    }
}
