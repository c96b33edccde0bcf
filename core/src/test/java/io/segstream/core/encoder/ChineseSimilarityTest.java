package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.math.Vectors;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bge-small-zh ranks Chinese product texts the way a shopper would. */
class ChineseSimilarityTest {

    private static OnnxTextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder =
                OnnxTextEncoder.open(
                        EncoderConfig.defaults().withModel(EncoderModel.BGE_SMALL_ZH_V15_Q));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @ParameterizedTest(name = "{0} ~ {1} > {0} ~ {2}")
    @CsvSource({
        // wireless bluetooth headphones ~ noise-cancelling earbuds > organic dog food
        "无线蓝牙耳机, 降噪入耳式耳塞, 有机狗粮",
        // women's silk dress ~ summer chiffon maxi dress > stainless steel wok
        "女士真丝连衣裙, 夏季雪纺长裙, 不锈钢炒锅",
        // children's building blocks ~ jigsaw puzzle toy > anti-dandruff shampoo
        "儿童益智积木玩具, 拼图玩具, 去屑洗发水",
        // phone case ~ tempered-glass screen protector > loose-leaf black tea
        "智能手机保护壳, 手机钢化膜, 红茶茶叶"
    })
    void shouldRankTheRelatedTextCloser(String anchor, String related, String unrelated) {
        List<float[]> v = encoder.encodeBatch(List.of(anchor, related, unrelated));
        assertThat(v.get(0)).hasSize(512);
        assertThat(Vectors.cosine(v.get(0), v.get(1)))
                .isGreaterThan(Vectors.cosine(v.get(0), v.get(2)));
    }
}
