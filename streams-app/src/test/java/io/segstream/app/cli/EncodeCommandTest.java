package io.segstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EncodeCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = SegstreamCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldPrintDimensionAndRankHeadphonesNearEarbuds() {
        int code =
                run(
                        "encode",
                        "wireless bluetooth headphones",
                        "noise cancelling earbuds",
                        "organic dog food");

        assertThat(code).isZero();
        String text = out.toString();
        assertThat(text).contains("dimension  384").contains("all-minilm-l6-v2-q");
        double earbuds =
                cosine(text, "\"wireless bluetooth headphones\" ~ \"noise cancelling earbuds\"");
        double dogFood = cosine(text, "\"wireless bluetooth headphones\" ~ \"organic dog food\"");
        assertThat(earbuds).isGreaterThan(dogFood);
    }

    @Test
    void shouldNameTheBadModelAndTheChoices() {
        int code = run("encode", "--model", "gpt-5", "red mug");

        assertThat(code).isEqualTo(CliErrors.USER_ERROR);
        assertThat(err.toString())
                .contains("Unknown encoder model 'gpt-5'")
                .contains("all-minilm-l6-v2-q, all-minilm-l6-v2, bge-small-zh-v15-q");
    }

    @Test
    void shouldAskForTextWhenNoneIsGiven() {
        int code = run("encode");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter").contains("TEXT");
    }

    private static double cosine(String output, String pair) {
        Matcher m = Pattern.compile("(-?\\d\\.\\d{3})  " + Pattern.quote(pair)).matcher(output);
        assertThat(m.find()).as("line for %s in%n%s", pair, output).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
