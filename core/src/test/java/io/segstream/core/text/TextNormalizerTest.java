package io.segstream.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void shouldCollapseWhitespaceAndFoldCaseForUncasedModels() {
        assertThat(new TextNormalizer(true).normalize("  JUMBO  BAG\tRED  RETROSPOT "))
                .isEqualTo("jumbo bag red retrospot");
    }

    @Test
    void shouldKeepCaseForCasedModels() {
        assertThat(new TextNormalizer(false).normalize(" iPhone  Case ")).isEqualTo("iPhone Case");
    }

    @Test
    void shouldApplyCompatibilityNormalisation() {
        // full-width Latin letters and the ideographic space, common in Chinese shop text
        assertThat(new TextNormalizer(false).normalize("ＵＳＢ　充电器")).isEqualTo("USB 充电器");
    }

    @Test
    void shouldMapNullToEmpty() {
        assertThat(new TextNormalizer(true).normalize(null)).isEmpty();
    }
}
