package io.segstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EncodeCommandTest {

    private final CliRun cli = new CliRun();

    @Test
    void shouldPrintDimensionAndRankHeadphonesNearEarbuds() {
        int code =
                cli.run(
                        "encode",
                        "wireless bluetooth headphones",
                        "noise cancelling earbuds",
                        "organic dog food");

        assertThat(code).isZero();
        String text = cli.out.toString();
        assertThat(text).contains("dimension  384").contains("all-minilm-l6-v2-q");
        double earbuds =
                cosine(text, "\"wireless bluetooth headphones\" ~ \"noise cancelling earbuds\"");
        double dogFood = cosine(text, "\"wireless bluetooth headphones\" ~ \"organic dog food\"");
        assertThat(earbuds).isGreaterThan(dogFood);
    }

    @Test
    void shouldNameTheBadModelAndTheChoices() {
        int code = cli.run("encode", "--model", "gpt-5", "red mug");

        assertThat(code).isEqualTo(CliErrors.USER_ERROR);
        assertThat(cli.err.toString())
                .contains("Unknown encoder model 'gpt-5'")
                .contains("all-minilm-l6-v2-q, all-minilm-l6-v2, bge-small-zh-v15-q");
    }

    @Test
    void shouldAskForTextWhenNoneIsGiven() {
        int code = cli.run("encode");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).contains("Missing required parameter").contains("TEXT");
    }

    private static double cosine(String output, String pair) {
        Matcher m = Pattern.compile("(-?\\d\\.\\d{3})  " + Pattern.quote(pair)).matcher(output);
        assertThat(m.find()).as("line for %s in%n%s", pair, output).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
