package io.segstream.cli.report;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, for tests that render a page. Where it is missing the test is
 * skipped with a message, unless {@code -Dsegstream.chromium.required=true} (as .ci/run sets it),
 * which makes a missing browser a failure.
 */
public final class HeadlessChromium {

    private static final Path DEFAULT = Path.of("/usr/bin/chromium");

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    public static HeadlessChromium locate() {
        Path binary = Path.of(System.getProperty("segstream.chromium", DEFAULT.toString()));
        boolean present = Files.isExecutable(binary);
        if (!present && Boolean.getBoolean("segstream.chromium.required")) {
            throw new IllegalStateException(
                    "Chromium not found at "
                            + binary
                            + "; install Debian's chromium (apt-get install chromium) or set -Dsegstream.chromium");
        }
        assumeTrue(present, "Chromium not found at " + binary + ": skipping the rendering test");
        return new HeadlessChromium(binary);
    }

    /** The DOM of {@code page} after its scripts ran. */
    public String dumpDom(Path page, Path profile) throws IOException, InterruptedException {
        return run(page, profile, "--dump-dom");
    }

    /** Writes a PNG of {@code page} to {@code png}. */
    public void screenshot(Path page, Path profile, Path png)
            throws IOException, InterruptedException {
        run(page, profile, "--screenshot=" + png.toAbsolutePath(), "--window-size=1300,2600");
    }

    private String run(Path page, Path profile, String... action)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        // the flags keep a root, sandbox-less, offline machine from timing out or phoning home
        command.addAll(
                List.of(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-default-apps",
                        "--hide-scrollbars",
                        "--user-data-dir=" + profile.toAbsolutePath(),
                        "--virtual-time-budget=10000"));
        command.addAll(List.of(action));
        command.add(page.toUri().toString());
        Path out = Files.createTempFile(profile, "chromium", ".out");
        Process p =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish rendering " + page);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    "Chromium exited with " + p.exitValue() + " on " + page);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
