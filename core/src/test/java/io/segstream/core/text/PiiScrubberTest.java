package io.segstream.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PiiScrubberTest {

    private final PiiScrubber scrubber = new PiiScrubber();

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "contact jane.doe+shop@example.co.uk about my order | contact <email> about my order",
                "MAIL ME AT J.SMITH@GMAIL.COM PLS | MAIL ME AT <email> PLS",
                "call 07700 900123 after 6pm | call <phone> after 6pm",
                "ring +44 20 7946 0958 for delivery | ring <phone> for delivery",
                "US office (555) 123-4567 | US office <phone>",
                "my number is 555-123-4567 | my number is <phone>",
                "paid with 4111 1111 1111 1111 but no refund | paid with <card> but no refund",
                "card 5500-0000-0000-0004 declined | card <card> declined",
                "amex 378282246310005 works | amex <card> works",
            })
    void shouldReplacePersonalData(String input, String expected) {
        assertThat(scrubber.scrub(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "PACK OF 72 RETROSPOT CAKE CASES",
                "SET 10 CARDS WORLD CHILDREN 17067",
                "DIAMOND LAS VEGAS NECKLACE 45CM",
                "sizes 100 200 300 in stock",
                "price 12.99 was 15.99",
                "barcode 5012345678901 on the box",
                "order 536365 from 2010-12-01",
            })
    void shouldKeepOrdinaryNumbers(String input) {
        assertThat(scrubber.scrub(input)).isEqualTo(input);
    }
}
