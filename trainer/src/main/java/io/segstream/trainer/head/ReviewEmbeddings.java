package io.segstream.trainer.head;

import io.segstream.core.encoder.TextEncoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Frozen embeddings of review texts, each text encoded alone, as the stream encodes a review when
 * it arrives: int8 models' vectors shift slightly with their batch-mates, so a head must be trained
 * on vectors made the way it will be scored. The rate of that path, on the threads given, is
 * measured as the texts go by.
 *
 * <p>Encoding 17,000 reviews takes minutes, so the vectors can be kept in a file named after the
 * encoder's SHA-256, its token limit and the texts' hash: a second run on the same data and encoder
 * reads them back (and says so), and any change to one of those makes a new file.
 */
public final class ReviewEmbeddings {

    private static final int MAGIC = 0x53454d42; // "SEMB"

    /** The vectors, and the measured rate of the run that encoded them. */
    public record Encoded(float[][] vectors, double textsPerSecond, int threads, boolean cached) {}

    private ReviewEmbeddings() {}

    /** Encodes every text alone on {@code threads} workers; {@code progress} gets the count. */
    public static Encoded encode(
            TextEncoder encoder, List<String> texts, int threads, IntConsumer progress)
            throws InterruptedException {
        float[][] out = new float[texts.size()][];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w =
                    new Thread(
                            () -> {
                                int i;
                                while (failure.get() == null
                                        && (i = next.getAndIncrement()) < out.length) {
                                    try {
                                        out[i] = encoder.encode(texts.get(i));
                                    } catch (RuntimeException e) {
                                        failure.compareAndSet(null, e);
                                    }
                                    int d = done.incrementAndGet();
                                    if (d % 500 == 0) {
                                        progress.accept(d);
                                    }
                                }
                            },
                            "review-encoder-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Encoded(out, texts.size() / seconds, threads, false);
    }

    /** The cached vectors of these texts, if a file for exactly them exists. */
    public static Optional<Encoded> read(Path file, int count) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != count) {
                return Optional.empty();
            }
            int d = in.readInt();
            double rate = in.readDouble();
            int threads = in.readInt();
            float[][] v = new float[count][d];
            for (float[] row : v) {
                for (int j = 0; j < d; j++) {
                    row[j] = in.readFloat();
                }
            }
            return Optional.of(new Encoded(v, rate, threads, true));
        } catch (IOException e) {
            return Optional.empty(); // a broken cache is encoded again, not fatal
        }
    }

    public static void write(Path file, Encoded encoded) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (DataOutputStream out =
                    new DataOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(encoded.vectors().length);
                out.writeInt(encoded.vectors()[0].length);
                out.writeDouble(encoded.textsPerSecond());
                out.writeInt(encoded.threads());
                for (float[] row : encoded.vectors()) {
                    for (float x : row) {
                        out.writeFloat(x);
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embeddings cache " + file, e);
        }
    }
}
