package io.segstream.core.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in product catalog of the demo generator, grouped by category: 72 hand-written products
 * by default, or, {@link #scaled()}, more than 10,000 composed from their vocabulary for benchmarks
 * that must not be served from the encoder's cache.
 */
public final class Catalog {

    /** One product on sale. */
    public record Product(String id, String category, double price, String title) {}

    private static final String RESOURCE = "catalog.tsv";

    private final Map<String, List<Product>> byCategory;

    private Catalog(Map<String, List<Product>> byCategory) {
        this.byCategory = byCategory;
    }

    /** Reads the catalog shipped in this jar. */
    public static Catalog builtIn() {
        Map<String, List<Product>> byCategory = new LinkedHashMap<>();
        try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The built-in catalog " + RESOURCE + " is missing");
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                Product p = new Product("P" + (1000 + n++), f[0], Double.parseDouble(f[1]), f[2]);
                byCategory.computeIfAbsent(p.category(), c -> new ArrayList<>()).add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byCategory.replaceAll((c, products) -> List.copyOf(products));
        return new Catalog(Collections.unmodifiableMap(byCategory));
    }

    /**
     * A catalog at a real shop's scale: every built-in product in {@value ScaleCatalog#VARIANTS}
     * variants (brand, adjective and colour or size of its category), 10,368 distinct titles in
     * all, deterministic, in the same categories, so personas keep their affinities and titles stay
     * meaningful to a sentence encoder. Each title ends with its base product's title, so search
     * queries built from a title's last words read as before.
     */
    public static Catalog scaled() {
        return builtIn().composeVariants();
    }

    private Catalog composeVariants() {
        Map<String, List<Product>> scaled = new LinkedHashMap<>();
        byCategory.forEach(
                (category, products) -> {
                    List<Product> out = new ArrayList<>();
                    for (Product base : products) {
                        out.addAll(ScaleCatalog.variants(base));
                    }
                    scaled.put(category, List.copyOf(out));
                });
        return new Catalog(Collections.unmodifiableMap(scaled));
    }

    /** Number of products over all categories. */
    public int size() {
        return byCategory.values().stream().mapToInt(List::size).sum();
    }

    public List<Product> products(String category) {
        List<Product> products = byCategory.get(category);
        if (products == null) {
            throw new IllegalArgumentException("No category '" + category + "' in the catalog");
        }
        return products;
    }

    public List<String> categories() {
        return List.copyOf(byCategory.keySet());
    }
}
