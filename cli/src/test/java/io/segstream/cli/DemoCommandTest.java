package io.segstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.testing.SharedData;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo command on real data: replays 1,000 customers end to end and prints the segment table.
 */
class DemoCommandTest {

    private final CliRun cli = new CliRun();

    @TempDir Path dir;

    @Test
    void shouldReplayRealCustomersAndPrintTheSegmentTable() {
        String csv = SharedData.onlineRetailDev().toString();

        int code =
                cli.run(
                        "demo",
                        "--dataset",
                        "online-retail",
                        csv,
                        "--customers",
                        "1000",
                        "--report",
                        dir.resolve("report.html").toString(),
                        "-D",
                        "segments.k=4",
                        "-D",
                        "kmeans.seed.users=200");

        assertThat(code).as(cli.err.toString()).isZero();
        String text = cli.out.toString();
        assertThat(text)
                .contains("skipped 103,645 guest rows")
                .contains("of 1,000 customers processed")
                .containsPattern(
                        "quality over the replay \\(segment changes per user so far\\): 25 %"
                                + " \\d+\\.\\d\\d changes/user \\|.* \\| end \\d+\\.\\d\\d"
                                + " changes/user");
        Matcher rows =
                Pattern.compile("(?m)^(\\d)\\s+.+?\\s+(\\d+)\\s+(\\d+\\.\\d)%").matcher(text);
        int segments = 0;
        int users = 0;
        double share = 0;
        while (rows.find()) {
            segments++;
            users += Integer.parseInt(rows.group(2));
            share += Double.parseDouble(rows.group(3));
        }
        assertThat(segments).as(text).isBetween(2, 4);
        assertThat(users).isEqualTo(1000);
        assertThat(share).isCloseTo(100.0, org.assertj.core.api.Assertions.within(0.5));
        assertThat(text).containsPattern("spenders");
        assertThat(cli.err.toString()).contains("events").contains("ev/s");
        assertThat(text).doesNotContain("planted personas");
        assertThat(dir.resolve("report.html")).isRegularFile();
    }

    @Test
    void shouldRefuseANegativeHoldEvery() {
        int code = cli.run("demo", "--hold-every", "-1");

        assertThat(code).isEqualTo(CliErrors.USER_ERROR);
        assertThat(cli.err.toString()).contains("--hold-every must be 0 or more, was -1");
    }

    @Test
    void shouldNameAMissingFileAndTheFix() {
        int code = cli.run("demo", "--dataset", "online-retail", "no/such/file.csv.gz");

        assertThat(code).isEqualTo(CliErrors.USER_ERROR);
        assertThat(cli.err.toString())
                .contains("no/such/file.csv.gz not found")
                .contains("--dataset online-retail");
    }
}
