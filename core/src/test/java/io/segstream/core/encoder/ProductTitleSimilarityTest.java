package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.dataset.ProductTitles;
import io.segstream.core.math.Vectors;
import io.segstream.core.testing.SharedData;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default encoder ranks real product titles the way a person would: for each triple, the anchor
 * is closer to the related title than to the unrelated one.
 */
class ProductTitleSimilarityTest {

    /** Anchor, a title of the same kind of product, a title of an unrelated product. */
    static final List<List<String>> TRIPLES =
            List.of(
                    List.of(
                            "ALARM CLOCK BAKELIKE PINK",
                            "RED DINER WALL CLOCK",
                            "PACK OF 60 DINOSAUR CAKE CASES"),
                    List.of(
                            "5 STRAND GLASS NECKLACE CRYSTAL",
                            "BLUE GLASS CHUNKY CHARM BRACELET",
                            "DOORMAT TOPIARY"),
                    List.of(
                            "RED RETROSPOT UMBRELLA",
                            "FOLDING UMBRELLA CREAM POLKADOT",
                            "GREEN FERN NOTEBOOK"),
                    List.of(
                            "SCOTTIE DOG HOT WATER BOTTLE",
                            "CHOCOLATE HOT WATER BOTTLE",
                            "BLUE MURANO TWIST NECKLACE"),
                    List.of(
                            "DOG BOWL CHASING BALL DESIGN",
                            "ILLUSTRATED CAT BOWL",
                            "LARGE RED BABUSHKA NOTEBOOK"),
                    List.of(
                            "PENCIL CASE LIFE IS BEAUTIFUL",
                            "HOUSE SHAPE PENCIL SHARPENER",
                            "FULL ENGLISH BREAKFAST PLATE"),
                    List.of(
                            "FRENCH FLORAL CUSHION COVER",
                            "VINTAGE UNION JACK CUSHION COVER",
                            "MINI JIGSAW DINOSAUR"),
                    List.of(
                            "MINI JIGSAW SPACEBOY",
                            "VINTAGE SEASIDE JIGSAW PUZZLES",
                            "IVORY PILLAR CANDLE SILVER FLOCK"),
                    List.of(
                            "IVORY PILLAR CANDLE SILVER FLOCK",
                            "VANILLA SCENT CANDLE JEWELLED BOX",
                            "WOODEN ROUNDERS GARDEN SET"),
                    List.of(
                            "IVORY GIANT GARDEN THERMOMETER",
                            "WATERING CAN GARDEN MARKER",
                            "SILK PURSE BABUSHKA PINK"),
                    List.of(
                            "RED RETROSPOT MUG",
                            "CERAMIC STRAWBERRY DESIGN MUG",
                            "DOORMAT NEW ENGLAND"),
                    List.of(
                            "DISCO BALL CHRISTMAS DECORATION",
                            "CHRISTMAS HANGING HEART WITH BELL",
                            "LUNCH BAG RED RETROSPOT"),
                    List.of(
                            "SET/2 RED RETROSPOT TEA TOWELS",
                            "BLACK TEA TOWEL CLASSIC DESIGN",
                            "AMETHYST HOOP EARRING FLORAL LEAF"),
                    List.of(
                            "PACK OF 72 RETROSPOT CAKE CASES",
                            "60 TEATIME FAIRY CAKE CASES",
                            "BEWARE OF THE CAT METAL SIGN"));

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
    void shouldUseOnlyTitlesThatOccurInTheRealData() throws Exception {
        Set<String> real =
                new HashSet<>(
                        ProductTitles.distinct(SharedData.onlineRetailDev(), Integer.MAX_VALUE));
        TRIPLES.stream().flatMap(List::stream).forEach(title -> assertThat(real).contains(title));
        assertThat(TRIPLES).hasSizeGreaterThanOrEqualTo(10);
    }

    static Stream<Arguments> triples() {
        return TRIPLES.stream().map(t -> Arguments.of(t.get(0), t.get(1), t.get(2)));
    }

    @ParameterizedTest(name = "{0} ~ {1} > {0} ~ {2}")
    @MethodSource("triples")
    void shouldRankTheRelatedTitleCloser(String anchor, String related, String unrelated) {
        List<float[]> v = encoder.encodeBatch(List.of(anchor, related, unrelated));
        double near = Vectors.cosine(v.get(0), v.get(1));
        double far = Vectors.cosine(v.get(0), v.get(2));
        assertThat(near)
                .as("cos(%s, %s) vs cos(%s, %s)", anchor, related, anchor, unrelated)
                .isGreaterThan(far);
    }
}
