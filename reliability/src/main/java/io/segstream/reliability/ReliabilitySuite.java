package io.segstream.reliability;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.schemas.SegmentModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The fault-injection suite ({@code reliability/run}): a broker in its own JVM, segstream instances
 * as {@code ./segstream run} processes, a recorded input, and per scenario a verdict against a
 * clean reference run. Prints one table row per scenario and a last line {@code result: N
 * scenarios, X lost, Y duplicated, Z differing}; exits 1 when any count is above zero.
 */
public final class ReliabilitySuite {

    /** One row of the table. */
    record Row(
            String scenario,
            long events,
            long users,
            Verifier.Findings findings,
            int notRunning,
            List<PartitionStalls.Stall> stalls,
            double lookupGap,
            double seconds) {}

    private record Scenario(
            String id,
            String description,
            int instances,
            ScenarioRun.Plan plan,
            boolean fuzz,
            boolean threeBrokers) {

        Scenario(String id, String description, int instances, ScenarioRun.Plan plan) {
            this(id, description, instances, plan, false, false);
        }
    }

    private final Path root;
    private final Path workDir;
    private final int users;
    private final int kills;
    private final double rate;
    private final long seed;
    private final Random random;
    private final boolean staticMembers;
    private final Map<String, String> extraSettings;

    private ReliabilitySuite(
            Path root,
            Path workDir,
            int users,
            int kills,
            double rate,
            long seed,
            boolean staticMembers,
            Map<String, String> extraSettings) {
        this.staticMembers = staticMembers;
        this.extraSettings = extraSettings;
        this.seed = seed;
        this.root = root;
        this.workDir = workDir;
        this.users = users;
        this.kills = kills;
        this.rate = rate;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0) {
            usage("option " + args[args.length - 1] + " needs a value");
        }
        Path root = Path.of(opts.getOrDefault("root", ".")).toAbsolutePath().normalize();
        int users = Integer.parseInt(opts.getOrDefault("users", "20000"));
        int kills = Integer.parseInt(opts.getOrDefault("kills", "10"));
        double rate = Double.parseDouble(opts.getOrDefault("rate", "0"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        List<String> chosen = List.of(opts.getOrDefault("scenarios", "1,2,3,4,5,6").split(","));
        Path work = Files.createTempDirectory("segstream-reliability");
        int status;
        try {
            status =
                    new ReliabilitySuite(
                                    root,
                                    work,
                                    users,
                                    kills,
                                    rate,
                                    seed,
                                    Boolean.parseBoolean(
                                            opts.getOrDefault("static-membership", "true")),
                                    settings(opts.getOrDefault("set", "")))
                            .run(chosen.stream().map(String::trim).toList());
        } finally {
            if (!Boolean.parseBoolean(opts.getOrDefault("keep", "false"))) {
                deleteRecursively(work);
            }
        }
        System.exit(status);
    }

    /** {@code --set k=v,k=v}: segstream settings for every instance of every scenario. */
    private static Map<String, String> settings(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : list.split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                usage("--set takes key=value pairs separated by commas, not " + kv);
            }
            out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return out;
    }

    private static void usage(String problem) {
        System.err.println(
                "reliability/run: "
                        + problem
                        + "\nusage: reliability/run [--users N] [--kills N] [--rate EV_PER_S, 0: all input on"
                        + " the broker first]"
                        + " [--scenarios 1,2,3,4,5,6] [--seed S] [--static-membership true|false]"
                        + " [--set key=value,...]"
                        + " [--keep true]");
        System.exit(2);
    }

    private int run(List<String> chosen) throws Exception {
        long suiteStart = System.nanoTime();
        Map<String, Scenario> all = scenarios();
        for (String id : chosen) {
            if (!all.containsKey(id)) {
                usage("unknown scenario " + id + "; known: " + all.keySet());
            }
        }
        System.out.printf(
                Locale.ROOT,
                "reliability suite: %,d generated users, %d kills, input %s, %s membership,"
                        + " settings %s; work dir %s%n",
                users,
                kills,
                rate <= 0
                        ? "on the broker before the instances start"
                        : String.format(Locale.ROOT, "produced live at %.0f events/s", rate),
                staticMembers ? "static" : "dynamic",
                extraSettings,
                workDir);
        RecordedInput input = RecordedInput.generate(users, seed);
        SegmentModel model =
                PinnedModel.train(
                        input.events(), new SegstreamConfig(Map.of()).profileSettings(), 5);
        System.out.printf(
                Locale.ROOT,
                "input: %,d events of %,d users; pinned model v%d, k = %d%n",
                input.events().size(),
                input.expected().size(),
                model.getVersion(),
                model.getK());
        List<Row> rows = new ArrayList<>();
        try (BrokerCluster broker = BrokerCluster.single(workDir).start()) {
            System.out.printf("broker: own JVM on %s%n", broker.bootstrapServers());
            Verifier.Outputs reference =
                    execute(
                            broker,
                            new Scenario("reference", "clean run, one instance", 1, r -> {}),
                            input,
                            model,
                            null,
                            rows);
            for (String id : chosen) {
                if (all.get(id).threeBrokers()) {
                    // its own cluster, started only for it: three more JVMs
                    try (BrokerCluster cluster =
                            BrokerCluster.quorum(workDir.resolve("cluster"), 3).start()) {
                        System.out.printf(
                                "three-broker cluster: own JVMs on %s%n",
                                cluster.bootstrapServers());
                        execute(cluster, all.get(id), input, model, reference, rows);
                    }
                } else {
                    execute(broker, all.get(id), input, model, reference, rows);
                }
            }
        }
        print(rows, (System.nanoTime() - suiteStart) / 1e9);
        Verifier.Findings sum =
                rows.stream()
                        .map(Row::findings)
                        .reduce(
                                new Verifier.Findings(0, 0, 0, 0, 0, 0),
                                (a, b) ->
                                        new Verifier.Findings(
                                                a.lostEvents() + b.lostEvents(),
                                                a.duplicatedEvents() + b.duplicatedEvents(),
                                                a.duplicatedChanges() + b.duplicatedChanges(),
                                                a.firstAssignmentErrors()
                                                        + b.firstAssignmentErrors(),
                                                a.differing() + b.differing(),
                                                0));
        int notRunning = rows.stream().mapToInt(Row::notRunning).sum();
        System.out.printf(
                Locale.ROOT,
                "result: %d scenarios, %d lost, %d duplicated, %d differing%s%n",
                rows.size() - 1,
                sum.lost(),
                sum.duplicated(),
                sum.differing(),
                notRunning > 0 ? ", " + notRunning + " instances not RUNNING" : "");
        return sum.lost() + sum.duplicated() + sum.differing() + notRunning > 0 ? 1 : 0;
    }

    private Verifier.Outputs execute(
            BrokerCluster broker,
            Scenario scenario,
            RecordedInput input,
            SegmentModel model,
            Verifier.Outputs reference,
            List<Row> rows)
            throws Exception {
        long start = System.nanoTime();
        System.out.printf("scenario %s: %s ...%n", scenario.id(), scenario.description());
        ScenarioRun run =
                new ScenarioRun(
                        "s" + scenario.id(),
                        broker,
                        root.resolve("segstream"),
                        workDir,
                        4,
                        staticMembers,
                        extraSettings);
        int notRunning;
        try {
            run.prepare(model);
            FuzzInput fuzz = scenario.fuzz() ? new FuzzInput(run.topics(), seed) : null;
            if (rate <= 0) {
                run.produceBacklog(input, fuzz);
            }
            run.startInstances(scenario.instances());
            notRunning =
                    run.drive(
                            input,
                            // the reference has no fault to spread a live input around
                            rate <= 0 ? 0 : reference == null ? Math.max(rate, 20_000) : rate,
                            scenario.plan(),
                            fuzz);
        } finally {
            run.stopAll();
        }
        long fuzzProblems = 0;
        if (scenario.fuzz()) {
            Map<String, Long> want = new TreeMap<>();
            new FuzzInput(run.topics(), seed)
                    .expectedReasons()
                    .forEach((reason, n) -> want.put(reason.name(), n));
            Map<String, Long> got = run.deadLetters();
            System.out.println("  dead letters expected by reason: " + want);
            System.out.println("  dead letters found by reason:    " + got);
            Set<String> reasons = new TreeSet<>(want.keySet());
            reasons.addAll(got.keySet());
            for (String reason : reasons) {
                fuzzProblems +=
                        Math.abs(want.getOrDefault(reason, 0L) - got.getOrDefault(reason, 0L));
            }
        }
        Verifier.Outputs outputs =
                Verifier.read(
                        Map.of(
                                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()),
                        run.topics(),
                        run.applicationId());
        Verifier.Findings checked =
                Verifier.check(outputs, input.expected(), reference == null ? outputs : reference);
        if (reference != null) {
            Verifier.printDiffering(outputs, reference, input, 4);
        }
        // a malformed record not dead-lettered, or a dead letter too many, counts as lost; a
        // profile of a fuzz user (a malformed event applied) as differing
        long fuzzProfiles =
                outputs.profiles().keySet().stream().filter(u -> u.startsWith("fuzz-")).count();
        Verifier.Findings findings =
                new Verifier.Findings(
                        checked.lostEvents() + fuzzProblems,
                        checked.duplicatedEvents(),
                        checked.duplicatedChanges(),
                        checked.firstAssignmentErrors(),
                        checked.differing() + fuzzProfiles,
                        checked.users());
        Row row =
                new Row(
                        scenario.id() + " " + scenario.description(),
                        input.events().size(),
                        input.expected().size(),
                        findings,
                        notRunning,
                        run.stalls(),
                        run.lookupGap(),
                        (System.nanoTime() - start) / 1e9);
        rows.add(row);
        System.out.println("  " + format(row));
        return outputs;
    }

    private Map<String, Scenario> scenarios() {
        Map<String, Scenario> s = new LinkedHashMap<>();
        s.put(
                "1",
                new Scenario(
                        "1",
                        "kill -9 one of two instances " + kills + " times",
                        2,
                        run -> {
                            // mid-stream only: a kill after the input ended tests nothing. Kill
                            // i comes at a random moment of the i-th of kills + 1 equal shares of
                            // the input, or at once if the last recovery took longer.
                            int done = 0;
                            for (; done < kills && run.progressShare() < 1; done++) {
                                awaitProgress(run, (done + random.nextDouble()) / (kills + 1));
                                if (run.progressShare() >= 1) {
                                    break;
                                }
                                AppInstance victim =
                                        run.instances().get(random.nextInt(run.instances().size()));
                                ScenarioRun.Fault fault = run.fault(victim);
                                victim.kill();
                                run.restart(victim);
                                run.awaitRecovery(fault);
                            }
                            if (done < kills) {
                                System.out.printf(
                                        "  %d of %d kills: the input was processed%n", done, kills);
                            }
                        }));
        s.put(
                "2",
                new Scenario(
                        "2",
                        "hard-bounce the broker (kill -9, 10 s down, restart on its log dir)",
                        2,
                        run -> {
                            Thread.sleep(5000 + random.nextInt(5000));
                            BrokerNode broker = run.brokers().nodes().get(0);
                            ScenarioRun.Fault fault = run.fault();
                            broker.kill();
                            Thread.sleep(10_000);
                            broker.start();
                            run.awaitRecovery(fault);
                        }));
        s.put(
                "3",
                new Scenario(
                        "3",
                        "three brokers (RF 3, min ISR 2): kill -9 the leaders of segments-0 and"
                                + " the repartition topic's partition 0, 10 s down each",
                        2,
                        run -> {
                            List<String> targets =
                                    List.of(
                                            run.topics().segments(),
                                            ConsumerProgress.repartitionTopics(run.config())
                                                    .get(0));
                            double share = 0.2;
                            for (String topic : targets) {
                                awaitProgress(run, share);
                                share += 0.3;
                                BrokerNode leader = run.brokers().leaderOf(topic, 0);
                                System.out.printf(
                                        "  killing node %d, leader of %s-0%n",
                                        leader.nodeId(), topic);
                                ScenarioRun.Fault fault = run.fault();
                                leader.kill();
                                Thread.sleep(10_000);
                                leader.start();
                                run.awaitRecovery(fault);
                            }
                        },
                        false,
                        true));
        s.put(
                "4",
                new Scenario(
                        "4",
                        "scale 1 -> 2 -> 3 -> 1 instances",
                        1,
                        run -> {
                            for (double share : new double[] {0.25, 0.5}) {
                                awaitProgress(run, share);
                                ScenarioRun.Fault fault = run.fault();
                                run.startInstance();
                                run.awaitRecovery(fault);
                            }
                            awaitProgress(run, 0.75);
                            ScenarioRun.Fault fault = run.fault(run.instances().get(2));
                            run.instances().get(2).terminate();
                            run.instances().get(1).terminate();
                            run.awaitRecovery(fault);
                        }));
        s.put(
                "5",
                new Scenario(
                        "5",
                        "rolling restart of both instances with SIGTERM",
                        2,
                        run -> {
                            awaitProgress(run, 0.3);
                            for (AppInstance instance : run.instances()) {
                                ScenarioRun.Fault fault = run.fault(instance);
                                instance.terminate();
                                run.restart(instance);
                                run.awaitRecovery(fault);
                            }
                        }));
        FuzzInput fuzz = new FuzzInput(new io.segstream.app.config.Topics(""), seed);
        s.put(
                "6",
                new Scenario(
                        "6",
                        String.format(
                                Locale.ROOT,
                                "fuzz: %,d malformed records of %d classes among the good events",
                                fuzz.total(),
                                fuzz.classes().size()),
                        1,
                        run -> {},
                        true,
                        false));
        return s;
    }

    private static void awaitProgress(ScenarioRun run, double share) throws InterruptedException {
        while (run.progressShare() < share) {
            Thread.sleep(100);
        }
    }

    private static String format(Row r) {
        Verifier.Findings f = r.findings();
        return String.format(
                Locale.ROOT,
                "| %s | %,d | %,d | %d | %d | %d | %d | %s | %s | %s | %.0f s |",
                r.scenario(),
                r.events(),
                r.users(),
                f.lost(),
                f.duplicated(),
                f.differing(),
                r.notRunning(),
                seconds(r.stalls(), PartitionStalls.Stall::survivors),
                seconds(r.stalls(), PartitionStalls.Stall::group),
                Double.isNaN(r.lookupGap())
                        ? "-"
                        : String.format(Locale.ROOT, "%.1f s", r.lookupGap()),
                r.seconds());
    }

    /** Each fault's figure, worst first: "worst 9.3 s (9.3, 1.2, 0.4)"; "-" without faults. */
    private static String seconds(
            List<PartitionStalls.Stall> stalls,
            java.util.function.ToDoubleFunction<PartitionStalls.Stall> figure) {
        if (stalls.isEmpty()) {
            return "-";
        }
        double worst = stalls.stream().mapToDouble(figure).max().orElse(Double.NaN);
        return String.format(
                Locale.ROOT,
                "worst %.1f s (%s)",
                worst,
                stalls.stream()
                        .map(v -> String.format(Locale.ROOT, "%.1f", figure.applyAsDouble(v)))
                        .collect(java.util.stream.Collectors.joining(", ")));
    }

    private static void print(List<Row> rows, double seconds) {
        System.out.println();
        System.out.println(
                "| scenario | events | users | lost | duplicated | differing | not RUNNING |"
                        + " stall of the survivors' partitions | stall of all partitions |"
                        + " longest lookup gap | time |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|");
        rows.forEach(r -> System.out.println(format(r)));
        System.out.printf(Locale.ROOT, "suite time: %.0f s%n", seconds);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
