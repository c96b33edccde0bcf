package io.segstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.testing.SharedData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segstream train-head} on a slice of the real reviews (MiniLM, to keep it in seconds),
 * scoring a separate file of other real reviews with the final head and baseline; and its errors.
 */
class TrainHeadCommandTest {

    @TempDir Path dir;

    @Test
    void shouldTrainOnOneFileAndScoreAnotherWithTheFinalFits() throws Exception {
        Path dev = SharedData.clothingReviewsDev();
        // rows 12,001 to 13,000 of the same slice, as a plain CSV: reviews the head never saw
        Path other = dir.resolve("other.csv");
        List<String> lines = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(dev)),
                                StandardCharsets.UTF_8))) {
            lines.add(in.readLine());
            org.apache.commons.csv.CSVFormat format = org.apache.commons.csv.CSVFormat.RFC4180;
            try (var printer = format.print(Files.newBufferedWriter(other));
                    var rows = format.builder().get().parse(in)) {
                printer.printRecord((Object[]) lines.get(0).split(","));
                int n = 0;
                for (var row : rows) {
                    n++;
                    if (n > 12_000 && n <= 13_000) {
                        printer.printRecord(row.values());
                    }
                }
            }
        }
        CliRun cli = new CliRun();
        int code =
                cli.run(
                        "train-head",
                        "--dataset",
                        "womens-clothing-reviews",
                        dev.toString(),
                        "--limit",
                        "1200",
                        "--encoder",
                        "all-minilm-l6-v2-q",
                        "--label",
                        "negative",
                        "--folds",
                        "3",
                        "--embeddings-cache",
                        "none",
                        "--test-dataset",
                        other.toString(),
                        "--out",
                        dir.resolve("heads").toString());
        String text = cli.out.toString();
        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(text)
                .contains("label negative (Rating <= 2)")
                .contains("3 folds grouped by product")
                .contains("TF-IDF 1-2 grams + LR baseline")
                .contains("verdict: the head");
        Matcher test =
                Pattern.compile(
                                "--test-dataset \\(([\\d,]+) reviews\\), final fits:\\s+head\\s+AUC"
                                        + " (\\d\\.\\d{3})")
                        .matcher(text);
        assertThat(test.find()).as(text).isTrue();
        assertThat(Integer.parseInt(test.group(1).replace(",", ""))).isBetween(900, 1000);
        assertThat(Double.parseDouble(test.group(2))).isGreaterThan(0.75);
        try (var heads = Files.list(dir.resolve("heads"))) {
            assertThat(heads.map(p -> p.getFileName().toString()).toList())
                    .singleElement()
                    .satisfies(
                            name ->
                                    assertThat(name)
                                            .startsWith("negative-v")
                                            .endsWith(".head.avro"));
        }
    }

    @Test
    void shouldNameWhatIsWrongWithTheArguments() {
        CliRun kind = new CliRun();
        assertThat(kind.run("train-head", "--dataset", "online-retail", "x.csv")).isNotZero();
        assertThat(kind.err.toString())
                .contains("Unknown data set kind 'online-retail'")
                .contains("--dataset womens-clothing-reviews");
        CliRun publish = new CliRun();
        assertThat(
                        publish.run(
                                "train-head",
                                "--dataset",
                                "womens-clothing-reviews",
                                "x.csv",
                                "--publish"))
                .isNotZero();
        assertThat(publish.err.toString()).contains("--publish needs --bootstrap-servers");
    }
}
