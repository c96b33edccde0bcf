package io.segstream.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every catalog record, shared by the codec tests. */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2024-11-29T09:15:30.123Z");

    private SampleRecords() {}

    static List<SpecificRecord> all() {
        return List.of(
                clickEvent(),
                orderEvent(),
                deletionRequest(),
                reviewEvent(),
                segmentAssignment(),
                segmentChange(),
                segmentModel(),
                centroidDelta(),
                headModel(),
                reviewAlert());
    }

    static ReviewAlert reviewAlert() {
        return ReviewAlert.newBuilder()
                .setUserId("u-42")
                .setEventTime(T0)
                .setReviewId("r-3")
                .setProductId("p-1001")
                .setNegativity(0.93)
                .setNegativeReviews(1.0)
                .setJudgedBy("head not-recommended v1796236652847")
                .setSegmentId(3)
                .build();
    }

    static HeadModel headModel() {
        return HeadModel.newBuilder()
                .setName("not-recommended")
                .setVersion(T0.toEpochMilli())
                .setCreatedAt(T0)
                .setLabel("Recommended IND = 0")
                .setEncoderModelId("bge-small-en-v15-q")
                .setEncoderSha256("6c9c6101")
                .setEncoderMaxLength(128)
                .setWeights(List.of(0.5f, -1.25f, 2f))
                .setBias(-1.5)
                .setThreshold(0.69)
                .setTrainingData("womens-clothing-reviews reviews.csv.gz")
                .setTrainingDataSha256("be57b082")
                .setDataFrom(T0.minusSeconds(86_400))
                .setDataTo(T0)
                .setTrainingRows(16_492)
                .setPositives(3_060)
                .setRegularisation("L2, C=1.0E-4")
                .setFolds(5)
                .setAucMean(0.972)
                .setAucSd(0.005)
                .setPrecision(0.785)
                .setRecall(0.846)
                .setF1(0.814)
                .setBaselineAucMean(0.954)
                .setBaselineAucSd(0.006)
                .build();
    }

    static ReviewEvent reviewEvent() {
        return ReviewEvent.newBuilder()
                .setReviewId("r-3")
                .setUserId("u-42")
                .setProductId("p-1001")
                .setEventTime(T0)
                .setRating(2)
                .setRecommended(false)
                .setTitle("Itchy")
                .setText("The wool scratches and the colour ran in the first wash.")
                .build();
    }

    static ClickEvent clickEvent() {
        return ClickEvent.newBuilder()
                .setEventType(ClickEventType.ADD_TO_CART)
                .setUserId("u-42")
                .setSessionId("s-7")
                .setEventTime(T0)
                .setProductId("p-1001")
                .setTitle("Wool scarf, charcoal")
                .setCategory("Accessories/Scarves")
                .setPrice(24.5)
                .setQueryText(null)
                .setCurrency("EUR")
                .setEventId("e-0001")
                .build();
    }

    static OrderEvent orderEvent() {
        return OrderEvent.newBuilder()
                .setOrderId("o-9")
                .setUserId("u-42")
                .setEventTime(T0)
                .setStatus(OrderStatus.RETURNED)
                .setCountry("GB")
                .setLines(
                        List.of(
                                OrderLine.newBuilder()
                                        .setProductId("p-1001")
                                        .setTitle("Wool scarf, charcoal")
                                        .setCategory("Accessories/Scarves")
                                        .setQuantity(2)
                                        .setUnitPrice(24.5)
                                        .build(),
                                OrderLine.newBuilder()
                                        .setProductId("p-2002")
                                        .setTitle(null)
                                        .setCategory(null)
                                        .setQuantity(1)
                                        .setUnitPrice(3.99)
                                        .setCurrency("USD")
                                        .build()))
                .build();
    }

    static DeletionRequest deletionRequest() {
        return DeletionRequest.newBuilder()
                .setRequestId("r-1")
                .setUserId("u-42")
                .setRequestTime(T0)
                .setReason("GDPR art. 17")
                .build();
    }

    static SegmentAssignment segmentAssignment() {
        return SegmentAssignment.newBuilder()
                .setUserId("u-42")
                .setSegmentId(3)
                .setSegmentName("bargain hunters")
                .setDistance(0.75)
                .setModelVersion(12L)
                .setEventTime(T0)
                .build();
    }

    static SegmentChange segmentChange() {
        return SegmentChange.newBuilder()
                .setUserId("u-42")
                .setChangeType(SegmentChangeType.MOVED)
                .setPreviousSegment(1)
                .setNewSegment(3)
                .setPreviousDistance(1.5)
                .setNewDistance(0.75)
                .setModelVersion(12L)
                .setEventTime(T0)
                .setDrivers(
                        List.of(
                                new FeatureContribution("cartAdds7d", 9.0, 0.6),
                                new FeatureContribution("avgPrice", 12.0, 0.25)))
                .build();
    }

    static SegmentModel segmentModel() {
        return SegmentModel.newBuilder()
                .setVersion(12L)
                .setMajorVersion(2)
                .setParentVersion(11L)
                .setCreatedAt(T0)
                .setOrigin(ModelOrigin.TRAINER)
                .setK(2)
                .setFeatureSpec(
                        new FeatureSpec(
                                List.of("cartAdds7d", "avgPrice"),
                                List.of(2.0, 30.0),
                                List.of(1.5, 20.0),
                                0.5,
                                2))
                .setProjection(
                        new Projection(
                                4,
                                2,
                                List.of(0f, 1f, 0f, -1f),
                                List.of(1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f)))
                .setCentroids(
                        List.of(
                                new Centroid(1, List.of(0.1f, -0.2f), 100.0, "browsers", null),
                                new Centroid(3, List.of(1.5f, 0.25f), 42.5, null, "buy in bulk")))
                .setTextEncoder(new EncoderInfo("all-minilm-l6-v2-q", "ab".repeat(32), 384))
                .setProvenance(
                        new Provenance(
                                T0.minusSeconds(86_400),
                                T0,
                                7L,
                                Map.of("inertia", 12.5, "silhouette", 0.41),
                                Map.of("commit", "abc123")))
                .build();
    }

    static CentroidDelta centroidDelta() {
        return CentroidDelta.newBuilder()
                .setTaskId("1_3")
                .setBaseModelVersion(12L)
                .setFlushTime(T0)
                .setDeltas(
                        List.of(
                                new ClusterDelta(1, 5L, List.of(0.5, -1.0), 2L),
                                new ClusterDelta(3, 1L, List.of(1.5, 0.25), 0L)))
                .build();
    }
}
