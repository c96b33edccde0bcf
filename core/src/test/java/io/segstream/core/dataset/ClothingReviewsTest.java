package io.segstream.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segstream.core.dataset.ClothingReviews.Review;
import io.segstream.core.testing.SharedData;
import java.io.StringReader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClothingReviewsTest {

    private static final String HEADER =
            "row_id,Clothing ID,Age,Title,Review Text,Rating,Recommended IND,Positive Feedback Count,"
                    + "Division Name,Department Name,Class Name\n";

    @Test
    void shouldReadQuotedTextAndSkipRowsWithoutTextOrWithBadLabels() throws Exception {
        String csv =
                HEADER
                        + "0,767,33,,\"Absolutely wonderful, \"\"silky\"\" and sexy\",4,1,0,Initmates,Intimate,Intimates\n"
                        + "1,1080,34,Too small,,2,0,0,General,Dresses,Dresses\n"
                        + "2,1077,60,,,5,1,0,General,Dresses,Dresses\n"
                        + "3,1049,50,Meh,fine,six,1,0,General,Bottoms,Pants\n"
                        + "4,1049,50,Meh,fine,4,2,0,General,Bottoms,Pants\n";
        ClothingReviews.Result r = ClothingReviews.read(new StringReader(csv), "test.csv");
        assertThat(r.rows()).isEqualTo(5);
        assertThat(r.skipped()).isEqualTo(3);
        assertThat(r.reviews())
                .containsExactly(
                        new Review("767", "", "Absolutely wonderful, \"silky\" and sexy", 4, true),
                        new Review("1080", "Too small", "", 2, false));
        assertThat(r.reviews().get(1).text()).isEqualTo("Too small");
        assertThat(new Review("1", "Great", "Fits well", 5, true).text())
                .isEqualTo("Great. Fits well");
    }

    @Test
    void shouldNameTheMissingColumnsOfAnotherFile() {
        assertThatThrownBy(
                        () ->
                                ClothingReviews.read(
                                        new StringReader("InvoiceNo,StockCode\n1,2\n"),
                                        "retail.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retail.csv is not the clothing reviews CSV")
                .hasMessageContaining("Recommended IND");
    }

    @Test
    void shouldReadTheRealDevSliceAsItsReadmeCountsIt() {
        ClothingReviews.Result r = ClothingReviews.read(SharedData.clothingReviewsDev());
        assertThat(r.rows()).isEqualTo(17_108);
        // rows with neither title nor body are all that is left out
        assertThat(r.reviews().size() + r.skipped()).isEqualTo(17_108);
        assertThat(r.reviews().size()).isGreaterThanOrEqualTo(16_491);
        assertThat(r.reviews().stream().map(Review::productId).collect(Collectors.toSet()))
                .hasSizeLessThanOrEqualTo(909);
        long recommended = r.reviews().stream().filter(Review::recommended).count();
        assertThat((double) recommended / r.reviews().size()).isBetween(0.78, 0.85);
    }
}
