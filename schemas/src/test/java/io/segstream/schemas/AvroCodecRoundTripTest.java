package io.segstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecRoundTripTest {

    static Stream<SpecificRecord> samples() {
        return SampleRecords.all().stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("samples")
    void shouldRoundTripEveryRecordType(SpecificRecord sample) {
        AvroCodec<SpecificRecord> codec = codecFor(sample);

        SpecificRecord decoded = codec.decode(codec.encode(sample));

        assertThat(decoded).isNotSameAs(sample).isInstanceOf(sample.getClass()).isEqualTo(sample);
        // Field by field as well, so the test does not rest on Avro's equals() alone.
        assertThat(decoded).usingRecursiveComparison().isEqualTo(sample);
    }

    @Test
    void shouldHaveASampleForEveryCatalogRecord() {
        List<Class<?>> sampled =
                SampleRecords.all().stream().<Class<?>>map(Object::getClass).toList();

        assertThat(sampled)
                .containsExactlyInAnyOrderElementsOf(SchemaCatalog.standard().recordClasses());
    }

    @Test
    void shouldDecodeStringsAsJavaStrings() {
        AvroCodec<OrderEvent> codec = AvroCodec.of(OrderEvent.class);

        OrderEvent decoded = codec.decode(codec.encode(SampleRecords.orderEvent()));

        // stringType=String: a Utf8 here would break equals() against String keys downstream.
        assertThat((Object) decoded.getUserId()).isInstanceOf(String.class);
        assertThat((Object) decoded.getLines().get(0).getProductId()).isInstanceOf(String.class);
    }

    @Test
    void shouldStartPayloadWithSingleObjectMagic() {
        byte[] payload = AvroCodec.of(ClickEvent.class).encode(SampleRecords.clickEvent());

        assertThat(payload[0]).isEqualTo((byte) 0xC3);
        assertThat(payload[1]).isEqualTo((byte) 0x01);
    }

    @Test
    void shouldRejectClassesOutsideTheCatalog() {
        assertThatThrownBy(() -> AvroCodec.of(OrderLine.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io.segstream.schemas.OrderLine");
    }

    @Test
    void shouldBeUsableFromManyThreadsAtOnce() throws Exception {
        AvroCodec<SegmentModel> codec = AvroCodec.of(SegmentModel.class);
        SegmentModel sample = SampleRecords.segmentModel();
        Callable<Boolean> roundTrips =
                () -> {
                    for (int i = 0; i < 500; i++) {
                        if (!codec.decode(codec.encode(sample)).equals(sample)) {
                            return false;
                        }
                    }
                    return true;
                };

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (Future<Boolean> result : pool.invokeAll(Collections.nCopies(4, roundTrips))) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static AvroCodec<SpecificRecord> codecFor(SpecificRecord sample) {
        return AvroCodec.of((Class<SpecificRecord>) sample.getClass());
    }
}
