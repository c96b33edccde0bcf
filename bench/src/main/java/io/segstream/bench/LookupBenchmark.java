package io.segstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.TopicAdmin;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.reliability.AppInstance;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Lookup speed (issue 10): {@code GET /users/{id}/segment} and {@code POST /segments/lookup} under
 * a bounded closed-loop load against two {@code ./segstream run} instances (each its own JVM, as
 * the reliability suite starts them) on one broker in its own JVM, with the scale generator's users
 * loaded. Single gets are measured twice: as sent by default (answered by the asked instance's own
 * copy, active or a fresh standby; classed by whether the asked instance owns the user) and with
 * {@code ?from=active} (classed by who served it, from the body's {@code servedBy}: the instance
 * asked, owning, or the other one, forwarded). Beside it, in the same run, the floors: a constant
 * endpoint through the same HTTP stack ({@code GET /health}) and a bare RocksDB point read in this
 * JVM.
 */
public final class LookupBenchmark {

    private static final PrintStream OUT = System.out;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "lookup.";

    /** A read token, so that the access check is part of what is measured. */
    private static final String TOKEN = "lookup-benchmark-read-token-0123456789";

    /** What a phase asks; {@code target} is the index of the instance asked. */
    private record Call(int target, SimpleHttpRequest request, boolean ownedByTarget) {}

    /** A response's status and body. */
    private record Answer(int status, String body) {}

    private interface CallMaker {
        Call make(SplittableRandom random);
    }

    /** One answered request: latency, the instance asked and whether the asked one answered. */
    private record Sample(long nanos, boolean owning) {}

    static final class Options {
        int users = 20_000;
        long events = 150_000;
        long seed = 42;
        int clients = 8;
        int singleRequests = 20_000;
        int batch50Requests = 2_000;
        int batch1000Requests = 200;

        /**
         * Warm-up requests per measured one. After a quarter the JIT was still compiling; after as
         * many as measured, a third of the slow answers still fell in the first quarter second of
         * the measured phase (requests timed from start: 98 answers over 5 ms there, 0 to 13 in
         * each quarter second of the last second).
         */
        double warmupShare = 3.0;

        Path jfrDir;
        Path root = Path.of(".");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--users" -> o.users = Integer.parseInt(args[++i]);
                    case "--events" -> o.events = Long.parseLong(args[++i]);
                    case "--seed" -> o.seed = Long.parseLong(args[++i]);
                    case "--clients" -> o.clients = Integer.parseInt(args[++i]);
                    case "--requests" -> o.singleRequests = Integer.parseInt(args[++i]);
                    case "--batch50-requests" -> o.batch50Requests = Integer.parseInt(args[++i]);
                    case "--batch1000-requests" ->
                            o.batch1000Requests = Integer.parseInt(args[++i]);
                    case "--jfr" -> o.jfrDir = Path.of(args[++i]);
                    case "--root" -> o.root = Path.of(args[++i]);
                    case "--warmup" -> o.warmupShare = Double.parseDouble(args[++i]);
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown option '"
                                            + args[i]
                                            + "'. Options: --users N --events N --seed S"
                                            + " --clients N --requests N --batch50-requests N"
                                            + " --batch1000-requests N --warmup SHARE --jfr DIR"
                                            + " --root DIR");
                }
            }
            return o;
        }
    }

    private final Options o;

    /**
     * The load: {@code clients} closed-loop request streams, each on its own keep-alive HTTP/1.1
     * connection, driven by one I/O thread (as {@code wrk -t1 -c8} does). One blocking thread per
     * client, with {@code java.net.http} before, cost 0.12 to 0.14 ms of CPU per request, more than
     * either instance spent answering it, and put 8 more runnable threads on the 2 cores the
     * instances need: their wake-ups, not the instances, made most of the tail.
     */
    private final MinimalHttpAsyncClient http =
            HttpAsyncClients.createMinimal(
                    HttpVersionPolicy.FORCE_HTTP_1,
                    H2Config.DEFAULT,
                    Http1Config.DEFAULT,
                    IOReactorConfig.custom().setIoThreadCount(1).setTcpNoDelay(true).build(),
                    PoolingAsyncClientConnectionManagerBuilder.create()
                            .setMaxConnPerRoute(64)
                            .setMaxConnTotal(128)
                            .build());

    private final List<AppInstance> instances = new ArrayList<>();
    private final List<String> results = new ArrayList<>();

    /** Owner (instance index) of every user that has a segment. */
    private final Map<String, Integer> owner = new HashMap<>();

    private String[] users = new String[0];
    private String[][] ownedBy = new String[0][];

    private LookupBenchmark(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        int status = new LookupBenchmark(o).run();
        System.exit(status);
    }

    private int run() throws Exception {
        long wallStart = System.nanoTime();
        Path work = Files.createTempDirectory("segstream-lookup");
        String runId = Long.toString(System.currentTimeMillis(), 36);
        OUT.printf(
                Locale.ROOT,
                "lookup benchmark: %,d users, first %,d events, %d clients, %d cores; work dir"
                        + " %s%n",
                o.users,
                o.events,
                o.clients,
                Runtime.getRuntime().availableProcessors(),
                work);
        BrokerProcess broker = null;
        int status = 0;
        http.start();
        try {
            broker =
                    BrokerProcess.start(work.resolve("broker"), "512m", work.resolve("broker.log"));
            OUT.printf("broker: own JVM (pid %d) on %s%n", broker.pid(), broker.bootstrapServers());
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(SegstreamConfig.APPLICATION_ID_CONFIG, "lookup-" + runId);
            settings.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, PREFIX);
            settings.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
            settings.put(SegstreamConfig.REST_HOST_CONFIG, "127.0.0.1");
            settings.put(SegstreamConfig.REST_READ_TOKEN_CONFIG, TOKEN);
            Map<String, Object> all = new HashMap<>(settings);
            all.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            SegstreamConfig config = new SegstreamConfig(all);
            TopicAdmin.ensureTopics(config);
            ScaleInput.Loaded in =
                    ScaleInput.load(
                            ShopperSimulator.atScale(
                                    Instant.now().truncatedTo(ChronoUnit.SECONDS),
                                    ShopperSimulator.DEFAULT_WINDOW),
                            o.users,
                            o.seed,
                            o.events,
                            work,
                            broker.bootstrapServers(),
                            config.topics().clicks(),
                            config.topics().orders());
            OUT.printf(
                    Locale.ROOT,
                    "input: %,d events of %,d users in %.1f s%n",
                    in.events(),
                    in.users(),
                    in.seconds());
            Path launcher = o.root.resolve("segstream").toAbsolutePath();
            for (String name : List.of("a", "b")) {
                AppInstance app =
                        new AppInstance(
                                name, launcher, broker.bootstrapServers(), settings, work, false);
                // one after the other: the launcher may rebuild the app, and two builds must not
                // overlap
                app.start();
                instances.add(app);
                if (!app.awaitReady(Duration.ofMinutes(3))) {
                    throw new IllegalStateException(
                            "instance " + app.name() + " did not get ready; see " + app.log());
                }
                OUT.printf(
                        "instance %s: pid %d, REST 127.0.0.1:%d%n",
                        app.name(), app.pid(), app.restPort());
            }
            awaitLoaded(config, broker.bootstrapServers());
            mapOwners();
            if (o.jfrDir != null) {
                Files.createDirectories(o.jfrDir);
                jcmdAll("JFR.start", "name=lookup", "settings=profile");
            }
            idle();
            floorHealth();
            single(false);
            single(true);
            batches(50, o.batch50Requests);
            batches(1000, o.batch1000Requests);
            if (o.jfrDir != null) {
                for (AppInstance app : instances) {
                    jcmd(
                            app,
                            "JFR.stop",
                            "name=lookup",
                            "filename=" + o.jfrDir.resolve("instance-" + app.name() + ".jfr"));
                }
                OUT.println("JFR recordings in " + o.jfrDir);
            }
            results.add(rocksFloor(work.resolve("rocks")));
        } catch (Exception e) {
            e.printStackTrace();
            results.add("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            status = 1;
        } finally {
            http.close();
            for (AppInstance app : instances) {
                app.terminate();
            }
            if (broker != null) {
                broker.close();
            }
            ScaleFiles.deleteRecursively(work);
        }
        OUT.println();
        OUT.printf(
                Locale.ROOT,
                "result: %s; %d clients, 2 instances, wall %.0f s%n",
                String.join("; ", results),
                o.clients,
                (System.nanoTime() - wallStart) / 1e9);
        return status;
    }

    /** Waits until the input is consumed and the assigned users stop changing. */
    private void awaitLoaded(SegstreamConfig config, String bootstrap) throws Exception {
        long start = System.nanoTime();
        try (ConsumerProgress progress =
                new ConsumerProgress(
                        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (!progress.caughtUp(
                    config.getString(SegstreamConfig.APPLICATION_ID_CONFIG),
                    List.of(config.topics().clicks(), config.topics().orders()))) {
                Thread.sleep(1000);
            }
        }
        int last = -1;
        while (true) {
            int found = found().size();
            if (found > 0 && found == last) {
                break;
            }
            last = found;
            Thread.sleep(3000);
        }
        OUT.printf(
                Locale.ROOT,
                "loaded: %,d users with a segment, %.0f s after the instances were ready%n",
                last,
                (System.nanoTime() - start) / 1e9);
    }

    /** Every generated user with a segment, and which instance answered for them. */
    private Map<String, Integer> found() throws Exception {
        Map<String, Integer> found = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= o.users; i++) {
            ids.add(String.format(Locale.ROOT, "u%05d", i));
        }
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + 1000));
            Answer r = send(lookupRequest(0, "/segments/lookup?from=active", batch));
            if (r.status() != 200) {
                continue;
            }
            for (JsonNode e : JSON.readTree(r.body()).get("results")) {
                if ("FOUND".equals(e.path("status").asText())
                        && "active".equals(e.path("servedAs").asText())) {
                    found.put(e.get("userId").asText(), instanceOf(e.get("servedBy").asText()));
                }
            }
        }
        return found;
    }

    private int instanceOf(String servedBy) {
        int port = Integer.parseInt(servedBy.substring(servedBy.lastIndexOf(':') + 1));
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i).restPort() == port) {
                return i;
            }
        }
        throw new IllegalStateException("an answer from an unknown instance: " + servedBy);
    }

    private void mapOwners() throws Exception {
        owner.putAll(found());
        users = owner.keySet().stream().sorted().toArray(String[]::new);
        ownedBy = new String[instances.size()][];
        for (int i = 0; i < instances.size(); i++) {
            int idx = i;
            ownedBy[i] =
                    Arrays.stream(users).filter(u -> owner.get(u) == idx).toArray(String[]::new);
            OUT.printf(
                    Locale.ROOT,
                    "instance %s owns %,d of the %,d users%n",
                    instances.get(i).name(),
                    ownedBy[i].length,
                    users.length);
        }
    }

    /**
     * Waits (at most two minutes) until the instances are quiet, their stream threads and JIT done
     * with the load, and says what they burn with no request, so that it can be told apart from the
     * CPU per request.
     */
    private void idle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Map<String, Long> before;
        Map<String, Long> after;
        do {
            before = cpu();
            Thread.sleep(5000);
            after = cpu();
        } while (System.nanoTime() < deadline && busiest(before, after) > 100);
        Map<String, Long> start = before;
        StringBuilder s = new StringBuilder("idle CPU ms per s");
        after.forEach(
                (k, v) ->
                        s.append(
                                String.format(
                                        Locale.ROOT, " %s=%.0f", k, (v - start.get(k)) / 5e6)));
        OUT.println(s);
        results.add(s.toString());
    }

    /** The highest CPU milliseconds per second of an instance between two readings 5 s apart. */
    private static double busiest(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream()
                .filter(e -> !e.getKey().equals("client"))
                .mapToDouble(e -> (e.getValue() - before.get(e.getKey())) / 5e6)
                .max()
                .orElse(0);
    }

    private void floorHealth() throws Exception {
        Phase p =
                measure(
                        "GET /health (floor)",
                        o.singleRequests,
                        r -> {
                            int t = r.nextInt(instances.size());
                            return new Call(t, get(t, "/health"), true);
                        },
                        (call, body) -> true);
        results.add(p.line(false));
    }

    /**
     * {@code ownerFirst}: with {@code ?from=active}, so that about half the requests are forwarded
     * to the other instance; else as sent by default, answered by the asked instance's own copy.
     */
    private void single(boolean ownerFirst) throws Exception {
        String query = ownerFirst ? "?from=active" : "";
        Phase p =
                measure(
                        "GET /users/{id}/segment" + query,
                        o.singleRequests,
                        r -> {
                            int t = r.nextInt(instances.size());
                            String u = users[r.nextInt(users.length)];
                            return new Call(
                                    t,
                                    get(t, "/users/" + u + "/segment" + query),
                                    owner.get(u) == t);
                        },
                        ownerFirst
                                ? (call, body) ->
                                        servedBy(body) == instances.get(call.target()).restPort()
                                : (call, body) -> call.ownedByTarget());
        results.add(
                ownerFirst ? p.line(true) : p.line("active copy", "standby copy (not forwarded)"));
    }

    /**
     * Batches of {@code size} ids: half the requests name only users the asked instance owns, half
     * name users at random (about half of them read from the asked instance's standby copies).
     */
    private void batches(int size, int requests) throws Exception {
        Phase p =
                measure(
                        "POST /segments/lookup x " + size,
                        requests,
                        r -> {
                            int t = r.nextInt(instances.size());
                            boolean owned = r.nextBoolean();
                            String[] pool = owned ? ownedBy[t] : users;
                            List<String> ids = new ArrayList<>(size);
                            for (int i = 0; i < size; i++) {
                                ids.add(pool[r.nextInt(pool.length)]);
                            }
                            return new Call(t, lookupRequest(t, "/segments/lookup", ids), owned);
                        },
                        (call, body) -> call.ownedByTarget());
        results.add(
                p.line("owned ids only", "mixed ids")
                        + String.format(Locale.ROOT, ", %.0f ids/s", p.rate() * size));
    }

    private int servedBy(String body) {
        int at = body.indexOf("\"servedBy\":\"");
        if (at < 0) {
            return -1;
        }
        int end = body.indexOf('"', at + 12);
        return Integer.parseInt(body.substring(body.lastIndexOf(':', end) + 1, end));
    }

    private interface Classifier {
        boolean owning(Call call, String body);
    }

    /** Measured requests of one phase. */
    private final class Phase {
        final String name;
        final List<Sample> samples;
        final double seconds;
        final Map<String, Double> cpuMsPerRequest;

        Phase(String name, List<Sample> samples, double seconds, Map<String, Double> cpu) {
            this.name = name;
            this.samples = samples;
            this.seconds = seconds;
            this.cpuMsPerRequest = cpu;
        }

        double rate() {
            return samples.size() / seconds;
        }

        String line(boolean split) {
            return line(split ? "owning" : null, "forwarded");
        }

        /** {@code asked} labels the samples classed owning, {@code other} the rest. */
        String line(String asked, String other) {
            StringBuilder s =
                    new StringBuilder(
                            String.format(
                                    Locale.ROOT,
                                    "%s %.0f req/s, all %s",
                                    name,
                                    rate(),
                                    percentiles(samples)));
            if (asked != null) {
                s.append(", ")
                        .append(asked)
                        .append(' ')
                        .append(percentiles(samples.stream().filter(Sample::owning).toList()))
                        .append(", ")
                        .append(other)
                        .append(' ')
                        .append(percentiles(samples.stream().filter(x -> !x.owning()).toList()));
            }
            s.append(", CPU ms/req ").append(cpuMsPerRequest);
            return s.toString();
        }
    }

    private static String percentiles(List<Sample> samples) {
        if (samples.isEmpty()) {
            return "n/a";
        }
        long[] n = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
        return String.format(
                Locale.ROOT,
                "p50 %.2f / p99 %.2f ms (%d)",
                n[(int) (n.length * 0.50)] / 1e6,
                n[Math.min(n.length - 1, (int) (n.length * 0.99))] / 1e6,
                n.length);
    }

    /**
     * Closed loop: {@code clients} threads each send their next request as soon as the last one is
     * answered; {@link Options#warmupShare} times as many requests warm up first and are left out.
     */
    private Phase measure(String name, int requests, CallMaker maker, Classifier classifier)
            throws Exception {
        int warmup = (int) (requests * o.warmupShare);
        run(name, warmup, maker, classifier);
        Map<String, Long> cpuBefore = cpu();
        long start = System.nanoTime();
        List<Sample> samples = run(name, requests, maker, classifier);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> cpuAfter = cpu();
        Map<String, Double> perRequest = new LinkedHashMap<>();
        cpuAfter.forEach(
                (k, v) ->
                        perRequest.put(
                                k,
                                Math.round((v - cpuBefore.get(k)) / 1e6 / requests * 1000)
                                        / 1000.0));
        Phase p = new Phase(name, samples, seconds, perRequest);
        OUT.println(p.line(true));
        return p;
    }

    private List<Sample> run(String name, int requests, CallMaker maker, Classifier classifier)
            throws Exception {
        Load load =
                new Load(
                        maker,
                        classifier,
                        new Sample[requests],
                        new AtomicInteger(),
                        new AtomicReference<>(),
                        new CountDownLatch(o.clients));
        for (int c = 0; c < o.clients; c++) {
            SplittableRandom random = new SplittableRandom(o.seed * 31 + c + name.hashCode());
            new ClientLoop(load, random).sendNext();
        }
        load.done().await();
        if (load.failure().get() != null) {
            throw load.failure().get();
        }
        return Arrays.asList(load.samples());
    }

    /** What the clients of one phase share: the next request's index, answers and the outcome. */
    private record Load(
            CallMaker maker,
            Classifier classifier,
            Sample[] samples,
            AtomicInteger next,
            AtomicReference<Exception> failure,
            CountDownLatch done) {}

    /** One closed-loop client: sends its next request from the callback of the last answer. */
    private final class ClientLoop implements FutureCallback<SimpleHttpResponse> {
        private final Load load;
        private final SplittableRandom random;
        private Call call;
        private int index;
        private long started;

        ClientLoop(Load load, SplittableRandom random) {
            this.load = load;
            this.random = random;
        }

        void sendNext() {
            index = load.next().getAndIncrement();
            if (index >= load.samples().length || load.failure().get() != null) {
                load.done().countDown();
                return;
            }
            call = load.maker().make(random);
            started = System.nanoTime();
            http.execute(call.request(), this);
        }

        @Override
        public void completed(SimpleHttpResponse r) {
            long nanos = System.nanoTime() - started;
            if (r.getCode() != 200) {
                failed(
                        new IllegalStateException(
                                call.request().getRequestUri()
                                        + " answered "
                                        + r.getCode()
                                        + ": "
                                        + r.getBodyText()));
                return;
            }
            load.samples()[index] =
                    new Sample(nanos, load.classifier().owning(call, r.getBodyText()));
            sendNext();
        }

        @Override
        public void failed(Exception e) {
            load.failure().compareAndSet(null, e);
            load.done().countDown();
        }

        @Override
        public void cancelled() {
            failed(new IllegalStateException("request cancelled"));
        }
    }

    /** CPU nanoseconds so far of this JVM, each instance and the broker's JVM. */
    private Map<String, Long> cpu() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        cpu.put(
                "client",
                ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime());
        for (AppInstance app : instances) {
            cpu.put(
                    app.name(),
                    ProcessHandle.of(app.pid())
                            .flatMap(h -> h.info().totalCpuDuration())
                            .map(Duration::toNanos)
                            .orElse(0L));
        }
        return cpu;
    }

    private Answer send(SimpleHttpRequest request) throws Exception {
        SimpleHttpResponse r = http.execute(request, null).get(30, TimeUnit.SECONDS);
        return new Answer(r.getCode(), r.getBodyText());
    }

    private SimpleHttpRequest get(int target, String path) {
        return SimpleRequestBuilder.get(uri(target, path))
                .addHeader("Authorization", "Bearer " + TOKEN)
                .build();
    }

    private SimpleHttpRequest lookupRequest(int target, String path, List<String> ids) {
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("userIds", ids));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return SimpleRequestBuilder.post(uri(target, path))
                .addHeader("Authorization", "Bearer " + TOKEN)
                .setBody(body, ContentType.APPLICATION_JSON)
                .build();
    }

    private URI uri(int target, String path) {
        return URI.create("http://127.0.0.1:" + instances.get(target).restPort() + path);
    }

    /**
     * The store floor: point reads of as many keys as there are users, with values of a stored
     * profile's size, from a bare RocksDB in this JVM, one thread.
     */
    private String rocksFloor(Path dir) throws RocksDBException, IOException {
        RocksDB.loadLibrary();
        Files.createDirectories(dir);
        int keys = Math.max(1, users.length);
        SplittableRandom random = new SplittableRandom(o.seed);
        try (org.rocksdb.Options options = new org.rocksdb.Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, dir.toString())) {
            byte[] value = new byte[488];
            for (int i = 0; i < keys; i++) {
                random.nextBytes(value);
                db.put(key(i), value);
            }
            int reads = 200_000;
            long[] nanos = new long[reads];
            for (int i = 0; i < reads; i++) {
                byte[] k = key(random.nextInt(keys));
                long t0 = System.nanoTime();
                db.get(k);
                nanos[i] = System.nanoTime() - t0;
            }
            long[] measured = Arrays.copyOfRange(nanos, reads / 4, reads);
            Arrays.sort(measured);
            String line =
                    String.format(
                            Locale.ROOT,
                            "bare RocksDB get (floor) p50 %.1f / p99 %.1f us",
                            measured[measured.length / 2] / 1e3,
                            measured[(int) (measured.length * 0.99)] / 1e3);
            OUT.println(line);
            return line;
        }
    }

    private static byte[] key(int i) {
        return String.format(Locale.ROOT, "u%05d", i + 1).getBytes(StandardCharsets.UTF_8);
    }

    private void jcmdAll(String... command) throws IOException, InterruptedException {
        for (AppInstance app : instances) {
            jcmd(app, command);
        }
    }

    private static void jcmd(AppInstance app, String... command)
            throws IOException, InterruptedException {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        c.add(Long.toString(app.pid()));
        c.addAll(List.of(command));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out);
        }
    }
}
