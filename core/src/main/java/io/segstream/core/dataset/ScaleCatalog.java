package io.segstream.core.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The vocabulary {@link Catalog#scaled()} composes its variants from: per category six brands, six
 * adjectives and four colours or sizes, so each built-in product becomes {@value #VARIANTS}
 * products such as "Cookwell durable graphite non-stick frying pan 20cm". Prices move with the
 * brand and the variant, within a factor of 0.8 to 1.5 of the base product's, so a category stays
 * cheap or dear as its personas expect.
 */
final class ScaleCatalog {

    /** Variants of each built-in product: brands x adjectives x colours or sizes. */
    static final int VARIANTS = 6 * 6 * 4;

    private record Vocabulary(List<String> brands, List<String> adjectives, List<String> kinds) {}

    private static final Map<String, Vocabulary> BY_CATEGORY =
            Map.of(
                    "Kitchen Basics",
                    new Vocabulary(
                            List.of(
                                    "Cookwell",
                                    "HomeChef",
                                    "Kitchara",
                                    "Pantry & Co",
                                    "Brightpan",
                                    "Basix"),
                            List.of(
                                    "everyday",
                                    "durable",
                                    "compact",
                                    "classic",
                                    "budget",
                                    "essential"),
                            List.of("white", "graphite", "sage green", "family size")),
                    "Cleaning & Storage",
                    new Vocabulary(
                            List.of(
                                    "Sparkle",
                                    "Tidyhome",
                                    "CleanPro",
                                    "Boxwise",
                                    "Freshly",
                                    "Storit"),
                            List.of(
                                    "heavy duty",
                                    "eco",
                                    "value",
                                    "multi-purpose",
                                    "stackable",
                                    "everyday"),
                            List.of("clear", "grey", "large", "twin pack")),
                    "Fine Jewellery & Watches",
                    new Vocabulary(
                            List.of(
                                    "Aurelia",
                                    "Montclair",
                                    "Vendome",
                                    "Halden",
                                    "Sterlingworth",
                                    "Lucerne"),
                            List.of(
                                    "handcrafted",
                                    "vintage",
                                    "elegant",
                                    "limited edition",
                                    "heritage",
                                    "modern"),
                            List.of("yellow gold", "platinum", "rose gold", "gift boxed")),
                    "Designer Fashion",
                    new Vocabulary(
                            List.of(
                                    "Maison Vale",
                                    "Corvetti",
                                    "Ashford & Lowe",
                                    "Nordhaus",
                                    "Belmonte",
                                    "Savile Lane"),
                            List.of(
                                    "tailored",
                                    "new season",
                                    "luxury",
                                    "timeless",
                                    "runway",
                                    "signature"),
                            List.of("black", "camel", "navy", "ivory")),
                    "Premium Electronics",
                    new Vocabulary(
                            List.of(
                                    "Voltara",
                                    "Lumix Pro",
                                    "Sonique",
                                    "Nexon",
                                    "Aurion",
                                    "Kestrel"),
                            List.of(
                                    "flagship",
                                    "wireless",
                                    "pro",
                                    "latest generation",
                                    "premium",
                                    "ultra"),
                            List.of("midnight black", "silver", "space grey", "2025 model")),
                    "Toys & Games",
                    new Vocabulary(
                            List.of(
                                    "Playwell",
                                    "Tinytown",
                                    "Brightkids",
                                    "Jolly Toys",
                                    "Funbox",
                                    "Wonderplay"),
                            List.of(
                                    "educational",
                                    "classic",
                                    "deluxe",
                                    "mini",
                                    "family",
                                    "colourful"),
                            List.of("ages 3+", "ages 6+", "travel size", "bumper edition")),
                    "Christmas Decorations",
                    new Vocabulary(
                            List.of(
                                    "Yuletide",
                                    "Northpole",
                                    "Holly & Ivy",
                                    "Frostfair",
                                    "Starbright",
                                    "Evergreen"),
                            List.of(
                                    "festive",
                                    "traditional",
                                    "handmade",
                                    "sparkling",
                                    "rustic",
                                    "vintage"),
                            List.of("red and gold", "silver", "snow white", "set of 2")),
                    "Gift Sets & Wrapping",
                    new Vocabulary(
                            List.of(
                                    "Giftory",
                                    "Ribbon & Bow",
                                    "Hamperly",
                                    "Treatbox",
                                    "Wrapwell",
                                    "Presently"),
                            List.of(
                                    "luxury",
                                    "festive",
                                    "personalised",
                                    "deluxe",
                                    "handmade",
                                    "classic"),
                            List.of("for her", "for him", "for two", "large")),
                    "Garden & Outdoor",
                    new Vocabulary(
                            List.of(
                                    "Greenway",
                                    "Potting Shed",
                                    "Bloomfield",
                                    "Outdoorsy",
                                    "Hedgerow",
                                    "Terrace"),
                            List.of(
                                    "weatherproof",
                                    "eco",
                                    "heavy duty",
                                    "rustic",
                                    "compact",
                                    "outdoor"),
                            List.of("green", "natural", "charcoal", "large")));

    private ScaleCatalog() {}

    /** The {@value #VARIANTS} variants of {@code base}, in a fixed order. */
    static List<Catalog.Product> variants(Catalog.Product base) {
        Vocabulary v = BY_CATEGORY.get(base.category());
        if (v == null) {
            throw new IllegalStateException(
                    "No scale vocabulary for category '" + base.category() + "'");
        }
        String core = lowerFirst(base.title());
        List<Catalog.Product> out = new ArrayList<>(VARIANTS);
        int n = 0;
        for (int b = 0; b < v.brands().size(); b++) {
            for (String adjective : v.adjectives()) {
                for (int k = 0; k < v.kinds().size(); k++) {
                    double factor = (0.8 + 0.1 * b) * (1 + 0.05 * k);
                    double price = Math.round(base.price() * factor * 100) / 100.0;
                    String title =
                            v.brands().get(b)
                                    + " "
                                    + adjective
                                    + " "
                                    + v.kinds().get(k)
                                    + " "
                                    + core;
                    out.add(
                            new Catalog.Product(
                                    String.format(Locale.ROOT, "%s-%03d", base.id(), n++),
                                    base.category(),
                                    price,
                                    title));
                }
            }
        }
        return out;
    }

    /** "Non-stick frying pan" becomes "non-stick frying pan"; "4K" or "TV" stay as they are. */
    private static String lowerFirst(String title) {
        if (title.length() > 1
                && Character.isUpperCase(title.charAt(0))
                && Character.isLowerCase(title.charAt(1))) {
            return Character.toLowerCase(title.charAt(0)) + title.substring(1);
        }
        return title;
    }
}
