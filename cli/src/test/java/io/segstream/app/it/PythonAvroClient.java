package io.segstream.app.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Confluent's own Python client (Debian's {@code python3-confluent-kafka} 1.7 with {@code
 * python3-avro}) as the third-party producer and consumer of Confluent wire-format Avro, through
 * the scripts in {@code src/test/python}:
 *
 * <ul>
 *   <li>{@code avro_produce.py} registers the .avsc under {@code <topic>-value} and writes each
 *       JSON line as an Avro value; the key is the record's {@code userId} as plain UTF-8 (what
 *       Kafka's StringSerializer writes), the timestamp its {@code eventTime};
 *   <li>{@code avro_consume.py} reads the topic from the start (read_committed) and returns each
 *       value as one JSON line, in the writer schema's field order, with timestamp-millis as epoch
 *       milliseconds and unions as plain values.
 * </ul>
 *
 * <p>The interpreter is {@code -Dsegstream.python} when set, else the first of {@code
 * /usr/bin/python3} and {@code python3} that can import the client: a {@code python3} first on the
 * PATH (pyenv, a virtualenv) does not see Debian's packages.
 */
public final class PythonAvroClient {

    private static final String PROBE =
            "import confluent_kafka, avro;"
                    + " from confluent_kafka.avro import CachedSchemaRegistryClient";
    private static final Duration PRODUCE_TIMEOUT = Duration.ofMinutes(3);

    private final String python;
    private final Path scripts;

    private PythonAvroClient(String python, Path scripts) {
        this.python = python;
        this.scripts = scripts;
    }

    /**
     * The client, or empty (the caller skips) when no interpreter can import it or the scripts are
     * not found.
     */
    public static Optional<PythonAvroClient> find() {
        Optional<Path> scripts = scriptsDir();
        if (scripts.isEmpty()) {
            return Optional.empty();
        }
        Set<String> candidates = new LinkedHashSet<>();
        String configured = System.getProperty("segstream.python");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String candidate : candidates) {
            if (canImportClient(candidate)) {
                return Optional.of(new PythonAvroClient(candidate, scripts.get()));
            }
        }
        return Optional.empty();
    }

    /** The interpreter in use. */
    public String python() {
        return python;
    }

    /**
     * Registers {@code avsc} under {@code <topic>-value} and writes {@code jsonLines}, one Avro
     * value each; throws with the script's stderr (for a refused schema it contains the registry's
     * 409 answer) unless every record was acknowledged.
     */
    public void produce(
            String bootstrapServers,
            String registryUrl,
            String topic,
            Path avsc,
            List<String> jsonLines) {
        Path input = null;
        try {
            input = Files.createTempFile("avro-produce-", ".jsonl");
            Files.write(input, jsonLines, StandardCharsets.UTF_8);
            run(
                    "avro_produce.py",
                    List.of(
                            "--bootstrap-servers",
                            bootstrapServers,
                            "--registry",
                            registryUrl,
                            "--topic",
                            topic,
                            "--schema",
                            avsc.toAbsolutePath().toString(),
                            "--input",
                            input.toString()),
                    PRODUCE_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(input);
        }
    }

    /**
     * The values of {@code topic} as JSON lines, from the beginning: stops after {@code expect}
     * records; throws (with what it read) when fewer arrived before {@code timeout} passed without
     * a new record, or when a value could not be decoded.
     */
    public List<String> consume(
            String bootstrapServers,
            String registryUrl,
            String topic,
            int expect,
            Duration timeout) {
        return consume(bootstrapServers, registryUrl, topic, expect, timeout, false);
    }

    /**
     * As {@link #consume}, each line {@code {"topic","partition","offset","timestamp","key",
     * "schemaId","value"}}: the key as the UTF-8 string it was written as, the schema id from the
     * value's wire-format header.
     */
    public List<String> consumeWithMetadata(
            String bootstrapServers,
            String registryUrl,
            String topic,
            int expect,
            Duration timeout) {
        return consume(bootstrapServers, registryUrl, topic, expect, timeout, true);
    }

    private List<String> consume(
            String bootstrapServers,
            String registryUrl,
            String topic,
            int expect,
            Duration timeout,
            boolean envelope) {
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        "--bootstrap-servers",
                        bootstrapServers,
                        "--registry",
                        registryUrl,
                        "--topic",
                        topic,
                        "--expect",
                        Integer.toString(expect),
                        "--timeout-s",
                        Long.toString(Math.max(1, timeout.toSeconds()))));
        if (envelope) {
            args.add("--envelope");
        }
        // the script's timeout is for a quiet topic; records may keep coming for longer
        String out = run("avro_consume.py", args, timeout.multipliedBy(3).plusMinutes(2));
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private String run(String script, List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(python);
        command.add(scripts.resolve(script).toString());
        command.addAll(args);
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("python-avro-", ".out");
            stderr = Files.createTempFile("python-avro-", ".err");
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .redirectOutput(stdout.toFile())
                            .redirectError(stderr.toFile());
            builder.environment().put("PYTHONIOENCODING", "utf-8");
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p = builder.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(
                        script + " did not finish within " + timeout + ":\n" + read(stderr));
            }
            String out = read(stdout);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        script
                                + " exited with "
                                + p.exitValue()
                                + ": "
                                + read(stderr).strip()
                                + (out.isBlank() ? "" : "\nstdout:\n" + out));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private static boolean canImportClient(String python) {
        try {
            Process p =
                    new ProcessBuilder(python, "-c", PROBE)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no such interpreter
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code src/test/python} of the cli module, from the module or from the repository root. */
    private static Optional<Path> scriptsDir() {
        for (Path dir :
                List.of(
                        Path.of("src", "test", "python"),
                        Path.of("cli", "src", "test", "python"))) {
            if (Files.isRegularFile(dir.resolve("avro_produce.py"))
                    && Files.isRegularFile(dir.resolve("avro_consume.py"))) {
                return Optional.of(dir.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind
            }
        }
    }
}
