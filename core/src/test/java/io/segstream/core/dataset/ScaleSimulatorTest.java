package io.segstream.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.ClickEventType;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScaleSimulatorTest {

    private final ShopperSimulator scale =
            ShopperSimulator.atScale(ShopperSimulator.DEFAULT_END, ShopperSimulator.DEFAULT_WINDOW);

    @Test
    void shouldComposeMoreThanTenThousandDistinctTitlesInTheBuiltInCategories() {
        Catalog catalog = Catalog.scaled();
        Catalog builtIn = Catalog.builtIn();
        Set<String> titles = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (String category : catalog.categories()) {
            for (Catalog.Product p : catalog.products(category)) {
                titles.add(p.title());
                ids.add(p.id());
                assertThat(p.price()).isPositive();
            }
        }

        assertThat(catalog.categories()).isEqualTo(builtIn.categories());
        assertThat(catalog.size()).isEqualTo(builtIn.size() * ScaleCatalog.VARIANTS);
        assertThat(titles).hasSize(catalog.size()).hasSizeGreaterThanOrEqualTo(10_000);
        assertThat(ids).hasSize(catalog.size());
        assertThat(catalog.products("Kitchen Basics"))
                .anySatisfy(p -> assertThat(p.title()).endsWith("non-stick frying pan 20cm"));
    }

    @Test
    void shouldShowMoreThanTenThousandDistinctTitlesAndAboutThirtyPercentUniqueSearches() {
        Set<String> titles = new HashSet<>();
        Map<String, Integer> queries = new HashMap<>();
        scale.forEachUser(
                40_000,
                9,
                (user, persona, events) -> {
                    for (ShopEvent e : events) {
                        if (e.event() instanceof ClickEvent c) {
                            if (c.getTitle() != null) {
                                titles.add(c.getTitle());
                            }
                            if (c.getEventType() == ClickEventType.SEARCH) {
                                queries.merge(c.getQueryText(), 1, Integer::sum);
                            }
                        } else {
                            ((OrderEvent) e.event())
                                    .getLines().stream()
                                            .map(OrderLine::getTitle)
                                            .forEach(titles::add);
                        }
                    }
                });
        long searches = queries.values().stream().mapToLong(Integer::longValue).sum();
        long unique = queries.values().stream().filter(n -> n == 1).count();
        double share = (double) unique / searches;
        System.out.printf(
                "scale generator, 40,000 users: %,d distinct titles, %,d searches, %.1f %% unique%n",
                titles.size(), searches, 100 * share);

        assertThat(titles).hasSizeGreaterThanOrEqualTo(10_000);
        assertThat(searches).isGreaterThan(10_000);
        assertThat(share).isBetween(0.27, 0.33);
    }

    @Test
    void shouldGenerateTheSameScaleEventsFromTheSameSeed() {
        assertThat(scale.simulate(300, 4).events()).isEqualTo(scale.simulate(300, 4).events());
        assertThat(scale.simulate(300, 4).events()).isNotEqualTo(scale.simulate(300, 5).events());
    }

    @Test
    void shouldHandOverTheSameUsersAndEventsOneUserAtATime() {
        var whole = scale.simulate(200, 2);
        List<ShopEvent> streamed = new ArrayList<>();
        Map<String, Persona> personas = new HashMap<>();
        scale.forEachUser(
                200,
                2,
                (user, persona, events) -> {
                    personas.put(user, persona);
                    streamed.addAll(events);
                });
        streamed.sort(ShopperSimulator.EVENT_ORDER);

        assertThat(streamed).isEqualTo(whole.events());
        assertThat(personas).isEqualTo(whole.personas());
    }

    @Test
    void shouldLeaveTheDefaultGeneratorOnItsSmallCatalogWithoutUniqueSearches() {
        var sim = ShopperSimulator.withDefaults().simulate(500, 3);
        Set<String> titles = new HashSet<>();
        for (ShopEvent e : sim.events()) {
            if (e.event() instanceof ClickEvent c) {
                if (c.getTitle() != null) {
                    titles.add(c.getTitle());
                }
                if (c.getQueryText() != null) {
                    assertThat(c.getQueryText()).doesNotContain(" model ");
                }
            }
        }
        assertThat(titles.size()).isLessThanOrEqualTo(Catalog.builtIn().size());
    }
}
