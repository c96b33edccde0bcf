package io.segstream.bench;

import io.segstream.app.runtime.QualityTimeline;
import io.segstream.core.dataset.Persona;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.OrderStatus;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The scale benchmark's input: the scale generator's users, produced in event-time order to the
 * clicks and orders topics without ever holding them all. Users are generated one at a time, sorted
 * in runs of {@value #RUN_USERS} users to files of encoded records, and the runs are merged while
 * producing.
 */
final class ScaleInput {

    static final int RUN_USERS = 10_000;
    private static final long HOUR = 3_600_000L;
    private static final Persona[] PERSONAS = Persona.values();

    /** Kinds of event, for the mix line. */
    enum Kind {
        VIEW,
        SEARCH,
        ADD_TO_CART,
        OTHER_CLICK,
        ORDER,
        RETURN;

        boolean isOrder() {
            return this == ORDER || this == RETURN;
        }
    }

    /**
     * What was generated and produced; {@code personas} holds each user's planted persona by the
     * number in its id ({@code u00001} at 0), and {@code hourly} the produced events per hour of
     * event time, for the quality timeline.
     */
    record Loaded(
            long events,
            long users,
            Map<Kind, Long> mix,
            int distinctTitles,
            long searches,
            long uniqueSearches,
            double seconds,
            byte[] personas,
            java.util.NavigableMap<Long, Long> hourly) {

        /** The planted persona of {@code user}, null for an id the generator did not make. */
        String persona(String user) {
            try {
                int i = Integer.parseInt(user.substring(1)) - 1;
                return i >= 0 && i < personas.length ? Persona.values()[personas[i]].label() : null;
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                return null;
            }
        }

        /** The quality timeline's thresholds: events up to 25, 50 and 75 % of the event time. */
        long[] thresholds() {
            if (hourly.isEmpty()) {
                return new long[3];
            }
            return QualityTimeline.thresholds(
                    hourly.firstKey(),
                    hourly.lastKey(),
                    t ->
                            hourly.headMap(t, true).values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum());
        }
    }

    private static final AvroCodec<ClickEvent> CLICKS = AvroCodec.of(ClickEvent.class);
    private static final AvroCodec<OrderEvent> ORDERS = AvroCodec.of(OrderEvent.class);

    private ScaleInput() {}

    /**
     * Generates {@code users} users and produces their first {@code limit} events (all when {@code
     * limit <= 0}), in event-time order, to {@code clicks} and {@code orders}.
     */
    static Loaded load(
            ShopperSimulator simulator,
            int users,
            long seed,
            long limit,
            Path workDir,
            String bootstrapServers,
            String clicks,
            String orders)
            throws IOException {
        long start = System.nanoTime();
        Set<String> titles = new HashSet<>();
        Map<String, Integer> queries = new HashMap<>();
        List<Path> runs = new ArrayList<>();
        List<ShopEvent> run = new ArrayList<>();
        int[] inRun = {0};
        byte[] personas = new byte[users];
        simulator.forEachUser(
                users,
                seed,
                (user, persona, events) -> {
                    personas[Integer.parseInt(user.substring(1)) - 1] = (byte) persona.ordinal();
                    for (ShopEvent e : events) {
                        if (e.event() instanceof ClickEvent c) {
                            if (c.getTitle() != null) {
                                titles.add(c.getTitle());
                            }
                            if (c.getQueryText() != null) {
                                queries.merge(c.getQueryText(), 1, Integer::sum);
                            }
                        }
                    }
                    run.addAll(events);
                    if (++inRun[0] == RUN_USERS) {
                        try {
                            runs.add(writeRun(run, workDir, runs.size()));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        run.clear();
                        inRun[0] = 0;
                    }
                });
        if (!run.isEmpty()) {
            runs.add(writeRun(run, workDir, runs.size()));
            run.clear();
        }
        long searches = queries.values().stream().mapToLong(Integer::longValue).sum();
        long unique = queries.values().stream().filter(n -> n == 1).count();
        queries.clear();

        Map<Kind, Long> mix = new HashMap<>();
        java.util.NavigableMap<Long, Long> hourly = new java.util.TreeMap<>();
        long produced = 0;
        PriorityQueue<RunReader> heads =
                new PriorityQueue<>(
                        Comparator.comparingLong((RunReader r) -> r.time)
                                .thenComparing(r -> r.user));
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            for (Path p : runs) {
                RunReader r = new RunReader(p);
                if (r.next()) {
                    heads.add(r);
                } else {
                    r.close();
                }
            }
            while (!heads.isEmpty() && (limit <= 0 || produced < limit)) {
                RunReader r = heads.poll();
                producer.send(
                        new ProducerRecord<>(
                                r.kind.isOrder() ? orders : clicks, null, r.time, r.user, r.value));
                mix.merge(r.kind, 1L, Long::sum);
                hourly.merge(r.time / HOUR * HOUR, 1L, Long::sum);
                produced++;
                if (r.next()) {
                    heads.add(r);
                } else {
                    r.close();
                }
            }
            producer.flush();
        } finally {
            for (RunReader r : heads) {
                r.close();
            }
            runs.forEach(ScaleFiles::deleteRecursively);
        }
        return new Loaded(
                produced,
                users,
                mix,
                titles.size(),
                searches,
                unique,
                (System.nanoTime() - start) / 1e9,
                personas,
                hourly);
    }

    /** A producer for bulk replays: one request in flight keeps each partition in order. */
    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static Kind kind(ShopEvent e) {
        if (e.event() instanceof OrderEvent o) {
            return o.getStatus() == OrderStatus.RETURNED ? Kind.RETURN : Kind.ORDER;
        }
        return switch (((ClickEvent) e.event()).getEventType()) {
            case VIEW -> Kind.VIEW;
            case SEARCH -> Kind.SEARCH;
            case ADD_TO_CART -> Kind.ADD_TO_CART;
            default -> Kind.OTHER_CLICK;
        };
    }

    static byte[] encode(ShopEvent e) {
        return e.event() instanceof OrderEvent o
                ? ORDERS.encode(o)
                : CLICKS.encode((ClickEvent) e.event());
    }

    /**
     * The event with {@code user} and event time {@code now}: the live phase replays generated
     * events as if they happened at the moment they are sent.
     */
    static ShopEvent restamp(ShopEvent e, String user, long now) {
        // fresh builders: Avro's copy builders deep-copy through a class check that refuses our
        // enums unless the JVM is told to trust the package
        Instant t = Instant.ofEpochMilli(now);
        if (e.event() instanceof OrderEvent o) {
            return new ShopEvent(
                    user,
                    now,
                    OrderEvent.newBuilder()
                            .setOrderId(user + "-" + o.getOrderId())
                            .setUserId(user)
                            .setEventTime(t)
                            .setStatus(o.getStatus())
                            .setCountry(o.getCountry())
                            .setLines(new ArrayList<OrderLine>(o.getLines()))
                            .build());
        }
        ClickEvent c = (ClickEvent) e.event();
        return new ShopEvent(
                user,
                now,
                ClickEvent.newBuilder()
                        .setEventType(c.getEventType())
                        .setUserId(user)
                        .setSessionId(user + "-" + c.getSessionId())
                        .setEventTime(t)
                        .setProductId(c.getProductId())
                        .setTitle(c.getTitle())
                        .setCategory(c.getCategory())
                        .setPrice(c.getPrice())
                        .setQueryText(c.getQueryText())
                        .setCurrency(c.getCurrency())
                        .setEventId(
                                String.format(Locale.ROOT, "%s-%d-%s", user, now, c.getEventType()))
                        .build());
    }

    private static Path writeRun(List<ShopEvent> events, Path workDir, int index)
            throws IOException {
        events.sort(ShopperSimulator.EVENT_ORDER);
        Path file = workDir.resolve(String.format(Locale.ROOT, "run-%04d.bin", index));
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (ShopEvent e : events) {
                byte[] value = encode(e);
                out.writeLong(e.time());
                out.writeUTF(e.userId());
                out.writeByte(kind(e).ordinal());
                out.writeInt(value.length);
                out.write(value);
            }
        }
        return file;
    }

    /** Reads one sorted run back, a record at a time. */
    private static final class RunReader implements AutoCloseable {
        private final DataInputStream in;
        long time;
        String user;
        Kind kind;
        byte[] value;

        RunReader(Path file) throws IOException {
            this.in =
                    new DataInputStream(
                            new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }

        boolean next() throws IOException {
            try {
                time = in.readLong();
            } catch (EOFException e) {
                return false;
            }
            user = in.readUTF();
            kind = Kind.values()[in.readByte()];
            value = new byte[in.readInt()];
            in.readFully(value);
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
