package io.segstream.app.config;

import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.registry.RegistrySettings;
import io.segstream.schemas.registry.SubjectNameStrategy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of the segstream app: each key a {@code *_CONFIG} constant with a {@code *_DOC}
 * twin, one {@link ConfigDef} giving type, default, validator and doc. Keys that start with {@code
 * kafka.} are passed to Kafka Streams without the prefix (e.g. {@code kafka.num.stream.threads}),
 * and {@code encoder.*} keys to {@link EncoderConfig}.
 */
public final class SegstreamConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers, host:port[,host:port].";

    public static final String APPLICATION_ID_CONFIG = "application.id";
    static final String APPLICATION_ID_DOC =
            "Kafka Streams application id: instances with the same id share the work and the state.";

    public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
    static final String TOPIC_PREFIX_DOC = "Prefix of every topic segstream reads or writes.";

    public static final String STATE_DIR_CONFIG = "state.dir";
    static final String STATE_DIR_DOC = "Directory of the local RocksDB state.";

    public static final String PROCESSING_GUARANTEE_CONFIG = "processing.guarantee";
    static final String PROCESSING_GUARANTEE_DOC = "exactly_once_v2 (default) or at_least_once.";

    public static final String INPUT_PARTITIONS_CONFIG = "topics.partitions";
    static final String INPUT_PARTITIONS_DOC =
            "Partitions of the topics segstream creates when they are missing (inputs and outputs).";

    public static final String REPLICATION_FACTOR_CONFIG = "topics.replication.factor";
    static final String REPLICATION_FACTOR_DOC =
            "Replication factor of created topics; -1 takes the broker's default.";

    public static final String SEGMENTS_K_CONFIG = "segments.k";
    static final String SEGMENTS_K_DOC =
            "Number of segments of the online model; with segments.min.gain above 0, the most it"
                    + " holds.";

    public static final String SEGMENTS_MIN_GAIN_CONFIG = "segments.min.gain";
    static final String SEGMENTS_MIN_GAIN_DOC =
            "Share of the re-fit panel's variance (of the first users', for the first model) that"
                    + " each segment must explain. A re-fit drops the segment whose removal would"
                    + " raise the k-means inertia least while that rise is under this share of the"
                    + " panel's total variance, and adds one, up to segments.k, while it would lower"
                    + " the inertia by this share or more; at least 2 are kept. With fewer groups of"
                    + " customers than segments.k, the spare segment otherwise splits a group, and"
                    + " its members move back and forth across the split. 0 = always segments.k.";

    public static final String HYSTERESIS_CONFIG = "assignment.hysteresis";
    static final String HYSTERESIS_DOC =
            "A customer moves only when the new centroid is closer than (1 - this) times the distance "
                    + "to the current one, so that customers near a boundary do not flap.";

    public static final String MIN_EVENTS_CONFIG = "assignment.min.events";
    static final String MIN_EVENTS_DOC =
            "Events a new customer's profile must hold before their first segment. Until then the"
                    + " profile is kept but has no segment, adds nothing to the model's mini-batches"
                    + " and stays out of the re-fit panel: a customer's first events say little"
                    + " (a buyer who has only browsed so far looks like a browser), and a segment"
                    + " given on them is often changed soon after. 1 = at the first event.";

    public static final String TEXT_WEIGHT_CONFIG = "features.text.weight";
    static final String TEXT_WEIGHT_DOC =
            "Weight of the text-interest block in the seeded model (0 = behaviour only).";

    public static final String HALF_LIFE_DAYS_CONFIG = "profile.half.life.days";
    static final String HALF_LIFE_DAYS_DOC =
            "Half-life, in event-time days, of every decayed profile quantity.";

    public static final String SESSION_GAP_MINUTES_CONFIG = "profile.session.gap.minutes";
    static final String SESSION_GAP_MINUTES_DOC =
            "Inactivity that ends a session when events carry no session id.";

    public static final String LEARNING_ENABLED_CONFIG = "kmeans.learning.enabled";
    static final String LEARNING_ENABLED_DOC =
            "Whether centroids keep learning from the stream (online mini-batch k-means). Off, the "
                    + "app scores with the published model as it is (e.g. a trained model pinned in production).";

    public static final String SEED_USERS_CONFIG = "kmeans.seed.users";
    static final String SEED_USERS_DOC =
            "Users sampled before the first model is seeded by k-means++ over them.";

    public static final String SEED_WARMUP_MS_CONFIG = "kmeans.seed.warmup.ms";
    static final String SEED_WARMUP_MS_DOC =
            "Event time a task lets pass after its first event before it sends its seed sample, so "
                    + "that the first model sees profiles with some history rather than first clicks.";

    public static final String FLUSH_RECORDS_CONFIG = "kmeans.flush.records";
    static final String FLUSH_RECORDS_DOC =
            "A task sends its mini-batch of centroid deltas to the coordinator after this many "
                    + "assignments at events, or sooner when kmeans.flush.interval.ms of stream time "
                    + "has passed. Users the aging pass scores join the next batch without counting.";

    public static final String FLUSH_INTERVAL_MS_CONFIG = "kmeans.flush.interval.ms";
    static final String FLUSH_INTERVAL_MS_DOC =
            "Stream (event) time between two flushes of a task's centroid deltas.";

    public static final String KMEANS_HALF_LIFE_CONFIG = "kmeans.half.life.batches";
    static final String KMEANS_HALF_LIFE_DOC =
            "Half-life of a centroid's weight, in coordinator updates: smaller forgets faster.";

    public static final String RESEED_FRACTION_CONFIG = "kmeans.reseed.fraction";
    static final String RESEED_FRACTION_DOC =
            "A cluster lighter than this fraction of the mean cluster weight is reseeded next to the heaviest.";

    public static final String REFIT_EVERY_CONFIG = "kmeans.refit.every.records";
    static final String REFIT_EVERY_DOC =
            "Scored events (summed over the centroid deltas the coordinator receives; users the "
                    + "aging pass scored are not events) between two "
                    + "re-fits of the model: k-means++ "
                    + "with restarts over the latest features of the re-fit panel, with the feature "
                    + "scaling refitted too and each segment id kept by the centre holding most of its "
                    + "members (optimal matching). Each re-fit is a "
                    + "new major version, so every user is re-scored. Mini-batch updates alone can "
                    + "stay stuck in a poor optimum and keep the scaling of the seed while the "
                    + "customers change. 0 turns re-fits off.";

    public static final String REFIT_BACKOFF_MAX_CONFIG = "kmeans.refit.backoff.max";
    static final String REFIT_BACKOFF_MAX_DOC =
            "The interval between re-fits (kmeans.refit.every.records) doubles with each major "
                    + "version up to this many times itself: a young model is corrected often, a "
                    + "mature one, whose every re-fit re-scores everyone, less often. 1 keeps the "
                    + "interval constant.";

    public static final String REFIT_MIN_MOVED_CONFIG = "kmeans.refit.min.moved.share";
    static final String REFIT_MIN_MOVED_DOC =
            "Least share of the re-fit panel a re-fit must move (scored with the hysteresis, against "
                    + "where the current model puts the same users) to be published. A re-fit that "
                    + "finds the same structure is dropped instead of becoming a new major version "
                    + "that re-scores everyone and moves the customers near a boundary. 0 publishes "
                    + "every re-fit.";

    public static final String REFIT_SAMPLE_RATE_CONFIG = "kmeans.refit.sample.rate";
    static final String REFIT_SAMPLE_RATE_DOC =
            "Share of users in the re-fit panel, chosen by a hash of the user id so that the panel "
                    + "is always the same users; tasks send their latest features at each flush.";

    public static final String REFIT_PANEL_USERS_CONFIG = "kmeans.refit.panel.users";
    static final String REFIT_PANEL_USERS_DOC =
            "Most users the coordinator keeps in the re-fit panel (bounds its state).";

    public static final String MODEL_RECORD_MAX_BYTES_CONFIG = "model.record.max.bytes";
    static final String MODEL_RECORD_MAX_BYTES_DOC =
            "Most bytes of one record a task sends to the coordinator (centroid sums, seed samples, "
                    + "panel profiles): a larger flush is split into several records, so that the "
                    + "model loop never writes a record near the producer's max.request.size, whatever "
                    + "the population. Never more than a quarter of max.request.size.";

    public static final String SWEEP_INTERVAL_MS_CONFIG = "rescore.sweep.interval.ms";
    static final String SWEEP_INTERVAL_MS_DOC =
            "Wall-clock time between two slices of the background re-score sweep. After a new major "
                    + "model version a user is re-scored at their next event, and the sweep re-scores "
                    + "the rest in bounded slices, resuming where it stopped after a restart or a "
                    + "rebalance.";

    public static final String SWEEP_MAX_USERS_CONFIG = "rescore.sweep.max.users";
    static final String SWEEP_MAX_USERS_DOC = "Most users one slice of the re-score sweep visits.";

    public static final String SWEEP_MAX_MS_CONFIG = "rescore.sweep.max.ms";
    static final String SWEEP_MAX_MS_DOC =
            "Most wall-clock milliseconds one slice of the re-score sweep runs, so that a slice "
                    + "never holds up the poll loop or the transaction for long.";

    public static final String AGING_INTERVAL_MS_CONFIG = "segments.aging.interval.ms";
    static final String AGING_INTERVAL_MS_DOC =
            "Stream time between two passes of the sweep over every user as of the current stream "
                    + "time, so that a customer who stops buying drifts in recency and changes segment "
                    + "without any event (a time-based exit) within about this delay. A new major"
                    + " version then also re-scores users as of the current stream time. 0 turns"
                    + " aging off, and every segment is then as of the user's last event.";

    public static final String SERDE_FORMAT_CONFIG = "serde.format";
    static final String SERDE_FORMAT_DOC =
            "How Avro records are framed on clicks, orders, deletions, segments and segment-changes:"
                    + " single-object (Avro single-object encoding with the schemas segstream ships) or"
                    + " confluent (Confluent's wire format: a zero byte and a schema registry id, as"
                    + " Confluent's serializers write it; needs schema.registry.url). segments-json"
                    + " and the internal topics are unaffected.";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    static final String SCHEMA_REGISTRY_URL_DOC =
            "Base URL of a Confluent-compatible schema registry (Confluent, Karapace, Redpanda, or"
                    + " Apicurio's /apis/ccompat/v7), for serde.format=confluent. TLS goes through the"
                    + " JVM's trust store settings.";

    public static final String SCHEMA_REGISTRY_USER_INFO_CONFIG =
            "schema.registry.basic.auth.user.info";
    static final String SCHEMA_REGISTRY_USER_INFO_DOC =
            "user:password for HTTP basic authentication to the schema registry.";

    public static final String SCHEMA_REGISTRY_TOKEN_CONFIG = "schema.registry.bearer.token";
    static final String SCHEMA_REGISTRY_TOKEN_DOC =
            "A bearer token for the schema registry (used when no basic auth is set).";

    public static final String SCHEMA_REGISTRY_SUBJECTS_CONFIG =
            "schema.registry.subject.name.strategy";
    static final String SCHEMA_REGISTRY_SUBJECTS_DOC =
            "How subjects are named: topic (<topic>-value, Confluent's TopicNameStrategy) or record"
                    + " (the record's full name, RecordNameStrategy).";

    public static final String INPUT_KEYED_BY_USER_CONFIG = "input.keyed.by.user";
    static final String INPUT_KEYED_BY_USER_DOC =
            "Whether the input topics are already keyed by user id and partitioned alike (the same "
                    + "partition count and the default partitioner). Then segstream skips the re-key "
                    + "and the repartition topic; a record whose key is not its user id goes to the "
                    + "dead-letter topic.";

    public static final String KMEANS_SEED_CONFIG = "kmeans.seed";
    static final String KMEANS_SEED_DOC =
            "Random seed of seeding and reseeding, for reproducible runs.";

    public static final String MAX_TEXT_CHARS_CONFIG = "validation.max.text.chars";
    static final String MAX_TEXT_CHARS_DOC =
            "Longer titles or queries send the event to the dead-letter topic.";

    public static final String MAX_FUTURE_MS_CONFIG = "validation.max.future.ms";
    static final String MAX_FUTURE_MS_DOC =
            "Events stamped further than this ahead of the wall clock go to the dead-letter topic.";

    public static final String MAX_PRICE_CONFIG = "validation.max.price";
    static final String MAX_PRICE_DOC =
            "A price above this goes to the dead-letter topic (INVALID_PRICE): profiles keep spend in "
                    + "float32, where 1e308 is infinite and would poison every later score of the user.";

    public static final String MAX_ORDER_LINES_CONFIG = "validation.max.order.lines";
    static final String MAX_ORDER_LINES_DOC =
            "An order with more lines goes to the dead-letter topic (TOO_MANY_LINES): every line's "
                    + "title is encoded, so one huge order would hold its task for seconds.";

    public static final String MIN_EVENT_TIME_CONFIG = "validation.min.event.time.ms";
    static final String MIN_EVENT_TIME_DOC =
            "Events stamped before this epoch millisecond go to the dead-letter topic "
                    + "(PAST_EVENT_TIME); the default, 2000-01-01, catches an unset time (1970) and "
                    + "keeps any real shop history.";

    public static final String REST_HOST_CONFIG = "rest.host";
    static final String REST_HOST_DOC =
            "Interface the REST API binds to; also advertised to other instances.";

    public static final String INSTANCE_ID_CONFIG = "instance.id";
    static final String INSTANCE_ID_DOC =
            "A stable name for this instance, e.g. the pod name of a StatefulSet. Set, the instance "
                    + "is a static member of its consumer group (group.instance.id): when it restarts "
                    + "within kafka.session.timeout.ms it gets its partitions back without a "
                    + "rebalance, so the other instances never pause. Unique per instance. Empty: "
                    + "dynamic membership, where every restart rebalances the whole group.";

    public static final String REST_PORT_CONFIG = "rest.port";
    static final String REST_PORT_DOC = "Port of the REST API; 0 picks a free port.";

    public static final String REVIEWS_HEAD_FILE_CONFIG = "reviews.head.file";
    static final String REVIEWS_HEAD_FILE_DOC =
            "A head trained by 'segstream train-head' (a .head.avro file) to start from; later "
                    + "versions come on the heads topic (reviews.head.name). Every review on the "
                    + "reviews topic is encoded with reviews.encoder.model and scored by it into its "
                    + "writer's profile (negative reviews, mean negativity). A head trained on "
                    + "another encoder is refused at start-up. Empty (default): a review's star "
                    + "rating judges it (1 or 2 stars: negative), and one without a rating is only "
                    + "counted.";

    public static final String REVIEWS_HEAD_NAME_CONFIG = "reviews.head.name";
    static final String REVIEWS_HEAD_NAME_DOC =
            "Which head judges reviews: the app follows this name on the heads topic (where "
                    + "'segstream train-head --publish' puts every head it trains) and takes each "
                    + "later version while it runs; one trained on another encoder than "
                    + "reviews.encoder.model is refused and logged. not-recommended (default) or "
                    + "negative, as train-head names them.";

    public static final String REVIEWS_AT_RISK_NEGATIVES_CONFIG = "reviews.at.risk.negatives";
    static final String REVIEWS_AT_RISK_NEGATIVES_DOC =
            "A shopper is at risk by review once their decayed count of unhappy reviews (half-life "
                    + "profile.half.life.days) reaches this; the review that crosses it emits a "
                    + "ReviewAlert on the review-alerts topic. The shopper stays at risk, with no "
                    + "further alert, until the count has decayed below half of it. 1 (default): "
                    + "one recent unhappy review.";

    public static final String REVIEWS_ENCODER_MODEL_CONFIG = "reviews.encoder.model";
    static final String REVIEWS_ENCODER_MODEL_DOC =
            "Encoder of review texts when reviews.head.file is set; the head must have been "
                    + "trained on it. It may differ from encoder.model (product titles): "
                    + "bge-small-en-v1.5 reads reviews best of the registry (issue 14). One of: "
                    + EncoderModel.ids()
                    + ".";

    public static final String REST_STANDBY_READ_MAX_LAG_CONFIG = "rest.standby.read.max.lag";
    static final String REST_STANDBY_READ_MAX_LAG_DOC =
            "A user read that reaches an instance holding a standby copy of the user's partition is "
                    + "answered from that copy, without a second hop to the owner, when the copy's "
                    + "offset lag is known and at most this many changelog records (flagged "
                    + "'standby' with its lag). With one standby replica and two instances every "
                    + "instance holds every partition, so no read is forwarded. A request with "
                    + "?from=active asks the owner first. -1: always forward to the owner "
                    + "(freshest answer, a second round trip for most reads).";

    public static final String REST_ADMIN_TOKEN_CONFIG = "rest.admin.token";
    static final String REST_ADMIN_TOKEN_DOC =
            "Bearer token of the REST API's mutating and admin endpoints (DELETE /users/{id}): a "
                    + "request must send 'Authorization: Bearer <token>'. At least "
                    + "16 characters. Unset (default), those endpoints answer 403, so that nobody can "
                    + "erase users through an instance that was started without a token. Never "
                    + "printed or logged.";

    public static final String REST_READ_TOKEN_CONFIG = "rest.read.token";
    static final String REST_READ_TOKEN_DOC =
            "Bearer token of the REST API's read endpoints (users, segments, model, lookup, "
                    + "metrics); the admin token passes too. At least 16 characters. Unset (default), "
                    + "reads are open. /health and /health/ready stay open either way, for probes.";

    public static final String REST_TLS_KEYSTORE_PATH_CONFIG = "rest.tls.keystore.path";
    static final String REST_TLS_KEYSTORE_PATH_DOC =
            "Keystore (PKCS12 or JKS) with the REST API's certificate and key; when set the API "
                    + "serves HTTPS only, and forwards to other instances over HTTPS, trusting the "
                    + "certificates of this keystore (every instance needs a certificate this "
                    + "keystore trusts, e.g. the same one). Empty (default): plain HTTP.";

    public static final String REST_TLS_KEYSTORE_PASSWORD_CONFIG = "rest.tls.keystore.password";
    static final String REST_TLS_KEYSTORE_PASSWORD_DOC =
            "Password of rest.tls.keystore.path (and of its key). Never printed or logged.";

    public static final String DLQ_MAX_PAYLOAD_CONFIG = "dlq.max.payload.bytes";
    static final String DLQ_MAX_PAYLOAD_DOC =
            "Dead-letter records carry at most this many bytes of the refused record's value (and "
                    + "as many of its key); the rest is cut and a segstream.original.size header keeps "
                    + "the full size. Keeps a dead letter from being too large to send itself: must stay "
                    + "well under the producer's max.request.size.";

    public static final String FAULT_FATAL_USER_CONFIG = "fault.injection.fatal.user";
    static final String FAULT_FATAL_USER_DOC =
            "FOR FAULT-INJECTION TESTS ONLY; never set it in production. When not empty, an input "
                    + "event of this user id makes validation throw an error that is not dead-lettered, "
                    + "so the stream thread dies and the streams client stops (as a real fatal error "
                    + "would). Empty (default) turns it off.";

    private static final String KAFKA_PREFIX = "kafka.";

    /** Shortest token accepted: a short bearer token can be guessed over the network. */
    static final int MIN_TOKEN_CHARS = 16;

    private static final ConfigDef.Validator TOKEN_VALIDATOR =
            (name, value) -> {
                if (value == null) {
                    return;
                }
                String token = ((Password) value).value();
                if (token.length() < MIN_TOKEN_CHARS || !token.strip().equals(token)) {
                    // the value itself is left out: the message is printed
                    throw new ConfigException(
                            name
                                    + " must be at least "
                                    + MIN_TOKEN_CHARS
                                    + " characters without leading or trailing spaces"
                                    + " (e.g. the output of 'openssl rand -hex 32'), or unset");
                }
            };

    public static final ConfigDef CONFIG =
            new ConfigDef()
                    .define(
                            BOOTSTRAP_SERVERS_CONFIG,
                            Type.STRING,
                            "127.0.0.1:9092",
                            Importance.HIGH,
                            BOOTSTRAP_SERVERS_DOC)
                    .define(
                            APPLICATION_ID_CONFIG,
                            Type.STRING,
                            "segstream",
                            Importance.HIGH,
                            APPLICATION_ID_DOC)
                    .define(
                            TOPIC_PREFIX_CONFIG,
                            Type.STRING,
                            "segstream.",
                            Importance.MEDIUM,
                            TOPIC_PREFIX_DOC)
                    .define(
                            STATE_DIR_CONFIG,
                            Type.STRING,
                            System.getProperty("java.io.tmpdir") + "/segstream-state",
                            Importance.MEDIUM,
                            STATE_DIR_DOC)
                    .define(
                            PROCESSING_GUARANTEE_CONFIG,
                            Type.STRING,
                            StreamsConfig.EXACTLY_ONCE_V2,
                            ValidString.in(
                                    StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
                            Importance.MEDIUM,
                            PROCESSING_GUARANTEE_DOC)
                    .define(
                            INPUT_PARTITIONS_CONFIG,
                            Type.INT,
                            4,
                            Range.between(1, 10_000),
                            Importance.MEDIUM,
                            INPUT_PARTITIONS_DOC)
                    .define(
                            REPLICATION_FACTOR_CONFIG,
                            Type.SHORT,
                            (short) -1,
                            Importance.MEDIUM,
                            REPLICATION_FACTOR_DOC)
                    .define(
                            SEGMENTS_K_CONFIG,
                            Type.INT,
                            6,
                            Range.between(2, 1000),
                            Importance.HIGH,
                            SEGMENTS_K_DOC)
                    .define(
                            SEGMENTS_MIN_GAIN_CONFIG,
                            Type.DOUBLE,
                            0.0,
                            Range.between(0.0, 0.5),
                            Importance.MEDIUM,
                            SEGMENTS_MIN_GAIN_DOC)
                    .define(
                            HYSTERESIS_CONFIG,
                            Type.DOUBLE,
                            0.1,
                            Range.between(0.0, 0.9),
                            Importance.MEDIUM,
                            HYSTERESIS_DOC)
                    .define(
                            MIN_EVENTS_CONFIG,
                            Type.INT,
                            1,
                            Range.atLeast(1),
                            Importance.MEDIUM,
                            MIN_EVENTS_DOC)
                    .define(
                            TEXT_WEIGHT_CONFIG,
                            Type.DOUBLE,
                            0.5,
                            Range.between(0.0, 10.0),
                            Importance.MEDIUM,
                            TEXT_WEIGHT_DOC)
                    .define(
                            HALF_LIFE_DAYS_CONFIG,
                            Type.DOUBLE,
                            90.0,
                            Range.between(0.001, 36_500),
                            Importance.MEDIUM,
                            HALF_LIFE_DAYS_DOC)
                    .define(
                            SESSION_GAP_MINUTES_CONFIG,
                            Type.INT,
                            30,
                            Range.between(1, 24 * 60),
                            Importance.LOW,
                            SESSION_GAP_MINUTES_DOC)
                    .define(
                            LEARNING_ENABLED_CONFIG,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            LEARNING_ENABLED_DOC)
                    .define(
                            SEED_USERS_CONFIG,
                            Type.INT,
                            500,
                            Range.between(2, 1_000_000),
                            Importance.MEDIUM,
                            SEED_USERS_DOC)
                    .define(
                            SEED_WARMUP_MS_CONFIG,
                            Type.LONG,
                            604_800_000L,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            SEED_WARMUP_MS_DOC)
                    .define(
                            FLUSH_RECORDS_CONFIG,
                            Type.INT,
                            1000,
                            Range.atLeast(1),
                            Importance.LOW,
                            FLUSH_RECORDS_DOC)
                    .define(
                            FLUSH_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            86_400_000L,
                            Range.between(1, Long.MAX_VALUE),
                            Importance.LOW,
                            FLUSH_INTERVAL_MS_DOC)
                    .define(
                            KMEANS_HALF_LIFE_CONFIG,
                            Type.DOUBLE,
                            20.0,
                            Range.between(0.01, 1e9),
                            Importance.LOW,
                            KMEANS_HALF_LIFE_DOC)
                    .define(
                            REFIT_EVERY_CONFIG,
                            Type.LONG,
                            100_000L,
                            Range.atLeast(0L),
                            Importance.MEDIUM,
                            REFIT_EVERY_DOC)
                    .define(
                            REFIT_BACKOFF_MAX_CONFIG,
                            Type.INT,
                            4,
                            Range.between(1, 1024),
                            Importance.LOW,
                            REFIT_BACKOFF_MAX_DOC)
                    .define(
                            REFIT_MIN_MOVED_CONFIG,
                            Type.DOUBLE,
                            0.02,
                            Range.between(0.0, 1.0),
                            Importance.MEDIUM,
                            REFIT_MIN_MOVED_DOC)
                    .define(
                            REFIT_SAMPLE_RATE_CONFIG,
                            Type.DOUBLE,
                            0.05,
                            Range.between(0.0, 1.0),
                            Importance.LOW,
                            REFIT_SAMPLE_RATE_DOC)
                    .define(
                            REFIT_PANEL_USERS_CONFIG,
                            Type.INT,
                            5000,
                            Range.atLeast(1),
                            Importance.LOW,
                            REFIT_PANEL_USERS_DOC)
                    .define(
                            RESEED_FRACTION_CONFIG,
                            Type.DOUBLE,
                            0.05,
                            Range.between(0.0, 1.0),
                            Importance.LOW,
                            RESEED_FRACTION_DOC)
                    .define(KMEANS_SEED_CONFIG, Type.LONG, 42L, Importance.LOW, KMEANS_SEED_DOC)
                    .define(
                            MODEL_RECORD_MAX_BYTES_CONFIG,
                            Type.INT,
                            256 * 1024,
                            Range.between(16 * 1024, 64 * 1024 * 1024),
                            Importance.LOW,
                            MODEL_RECORD_MAX_BYTES_DOC)
                    .define(
                            SWEEP_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            1000L,
                            Range.between(10, 3_600_000),
                            Importance.LOW,
                            SWEEP_INTERVAL_MS_DOC)
                    .define(
                            SWEEP_MAX_USERS_CONFIG,
                            Type.INT,
                            20_000,
                            Range.atLeast(1),
                            Importance.LOW,
                            SWEEP_MAX_USERS_DOC)
                    .define(
                            SWEEP_MAX_MS_CONFIG,
                            Type.LONG,
                            50L,
                            Range.between(1, 60_000),
                            Importance.LOW,
                            SWEEP_MAX_MS_DOC)
                    .define(
                            AGING_INTERVAL_MS_CONFIG,
                            Type.LONG,
                            86_400_000L,
                            Range.atLeast(0),
                            Importance.MEDIUM,
                            AGING_INTERVAL_MS_DOC)
                    .define(
                            INPUT_KEYED_BY_USER_CONFIG,
                            Type.BOOLEAN,
                            false,
                            Importance.MEDIUM,
                            INPUT_KEYED_BY_USER_DOC)
                    .define(
                            SERDE_FORMAT_CONFIG,
                            Type.STRING,
                            "single-object",
                            ConfigDef.ValidString.in("single-object", "confluent"),
                            Importance.MEDIUM,
                            SERDE_FORMAT_DOC)
                    .define(
                            SCHEMA_REGISTRY_URL_CONFIG,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            SCHEMA_REGISTRY_URL_DOC)
                    .define(
                            SCHEMA_REGISTRY_USER_INFO_CONFIG,
                            Type.PASSWORD,
                            null,
                            Importance.LOW,
                            SCHEMA_REGISTRY_USER_INFO_DOC)
                    .define(
                            SCHEMA_REGISTRY_TOKEN_CONFIG,
                            Type.PASSWORD,
                            null,
                            Importance.LOW,
                            SCHEMA_REGISTRY_TOKEN_DOC)
                    .define(
                            SCHEMA_REGISTRY_SUBJECTS_CONFIG,
                            Type.STRING,
                            "topic",
                            ConfigDef.ValidString.in("topic", "record"),
                            Importance.LOW,
                            SCHEMA_REGISTRY_SUBJECTS_DOC)
                    .define(
                            MAX_TEXT_CHARS_CONFIG,
                            Type.INT,
                            2000,
                            Range.between(1, 1_000_000),
                            Importance.LOW,
                            MAX_TEXT_CHARS_DOC)
                    .define(
                            MAX_FUTURE_MS_CONFIG,
                            Type.LONG,
                            86_400_000L,
                            Range.atLeast(0),
                            Importance.LOW,
                            MAX_FUTURE_MS_DOC)
                    .define(
                            MAX_PRICE_CONFIG,
                            Type.DOUBLE,
                            1e9,
                            Range.atLeast(0),
                            Importance.LOW,
                            MAX_PRICE_DOC)
                    .define(
                            MAX_ORDER_LINES_CONFIG,
                            Type.INT,
                            1000,
                            Range.atLeast(1),
                            Importance.LOW,
                            MAX_ORDER_LINES_DOC)
                    .define(
                            MIN_EVENT_TIME_CONFIG,
                            Type.LONG,
                            946_684_800_000L,
                            Importance.LOW,
                            MIN_EVENT_TIME_DOC)
                    .define(
                            REST_HOST_CONFIG,
                            Type.STRING,
                            "127.0.0.1",
                            Importance.MEDIUM,
                            REST_HOST_DOC)
                    .define(
                            REST_PORT_CONFIG,
                            Type.INT,
                            8080,
                            Range.between(0, 65535),
                            Importance.MEDIUM,
                            REST_PORT_DOC)
                    .define(INSTANCE_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, INSTANCE_ID_DOC)
                    .define(
                            REVIEWS_HEAD_FILE_CONFIG,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            REVIEWS_HEAD_FILE_DOC)
                    .define(
                            REVIEWS_HEAD_NAME_CONFIG,
                            Type.STRING,
                            "not-recommended",
                            new ConfigDef.NonEmptyString(),
                            Importance.LOW,
                            REVIEWS_HEAD_NAME_DOC)
                    .define(
                            REVIEWS_AT_RISK_NEGATIVES_CONFIG,
                            Type.DOUBLE,
                            1.0,
                            Range.atLeast(0.01),
                            Importance.LOW,
                            REVIEWS_AT_RISK_NEGATIVES_DOC)
                    .define(
                            REVIEWS_ENCODER_MODEL_CONFIG,
                            Type.STRING,
                            EncoderModel.BGE_SMALL_EN_V15_Q.id(),
                            (name, value) -> EncoderModel.fromId((String) value),
                            Importance.LOW,
                            REVIEWS_ENCODER_MODEL_DOC)
                    .define(
                            REST_STANDBY_READ_MAX_LAG_CONFIG,
                            Type.LONG,
                            1000L,
                            Range.atLeast(-1),
                            Importance.MEDIUM,
                            REST_STANDBY_READ_MAX_LAG_DOC)
                    .define(
                            REST_ADMIN_TOKEN_CONFIG,
                            Type.PASSWORD,
                            null,
                            TOKEN_VALIDATOR,
                            Importance.HIGH,
                            REST_ADMIN_TOKEN_DOC)
                    .define(
                            REST_READ_TOKEN_CONFIG,
                            Type.PASSWORD,
                            null,
                            TOKEN_VALIDATOR,
                            Importance.MEDIUM,
                            REST_READ_TOKEN_DOC)
                    .define(
                            REST_TLS_KEYSTORE_PATH_CONFIG,
                            Type.STRING,
                            "",
                            Importance.MEDIUM,
                            REST_TLS_KEYSTORE_PATH_DOC)
                    .define(
                            REST_TLS_KEYSTORE_PASSWORD_CONFIG,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            REST_TLS_KEYSTORE_PASSWORD_DOC)
                    .define(
                            DLQ_MAX_PAYLOAD_CONFIG,
                            Type.INT,
                            256 * 1024,
                            Range.between(0, 64 * 1024 * 1024),
                            Importance.LOW,
                            DLQ_MAX_PAYLOAD_DOC)
                    .define(
                            FAULT_FATAL_USER_CONFIG,
                            Type.STRING,
                            "",
                            Importance.LOW,
                            FAULT_FATAL_USER_DOC);

    private final EncoderConfig encoder;

    /** Room in a dead letter for its headers: source, target, reason, a capped error message. */
    private static final int DLQ_HEADER_BYTES = 8 * 1024;

    public SegstreamConfig(Map<String, ?> settings) {
        super(CONFIG, settings, false);
        this.encoder = EncoderConfig.fromMap(settings);
        int dlqPayload = getInt(DLQ_MAX_PAYLOAD_CONFIG);
        // a dead letter that is itself too large would stop the app it is meant to keep running
        String keystore = getString(REST_TLS_KEYSTORE_PATH_CONFIG);
        if (!keystore.isEmpty() && getPassword(REST_TLS_KEYSTORE_PASSWORD_CONFIG) == null) {
            throw new ConfigException(
                    REST_TLS_KEYSTORE_PATH_CONFIG
                            + " is set but "
                            + REST_TLS_KEYSTORE_PASSWORD_CONFIG
                            + " is not; set the keystore's password");
        }
        if (confluentFormat() && getString(SCHEMA_REGISTRY_URL_CONFIG).isBlank()) {
            throw new ConfigException(
                    SERDE_FORMAT_CONFIG
                            + "=confluent needs a schema registry: set "
                            + SCHEMA_REGISTRY_URL_CONFIG
                            + " (e.g. http://registry:8081)");
        }
        int fetch = consumerMaxPartitionFetchBytes();
        if (getInt(MODEL_RECORD_MAX_BYTES_CONFIG) > fetch) {
            // the broker returns a batch larger than the per-partition limit only for the first
            // partition of a fetch: the coordinator would read the model loop's records only once
            // the input ran dry, and the model would stand still while the events go by
            throw new ConfigException(
                    MODEL_RECORD_MAX_BYTES_CONFIG
                            + "="
                            + getInt(MODEL_RECORD_MAX_BYTES_CONFIG)
                            + " exceeds the consumer's max.partition.fetch.bytes of "
                            + fetch
                            + ", so the model loop would stall behind the input; lower "
                            + MODEL_RECORD_MAX_BYTES_CONFIG
                            + " or raise kafka.main.consumer.max.partition.fetch.bytes.");
        }
        if (2L * dlqPayload + DLQ_HEADER_BYTES > producerMaxRequestSize()) {
            throw new ConfigException(
                    DLQ_MAX_PAYLOAD_CONFIG
                            + "="
                            + dlqPayload
                            + " lets a dead letter (key and value each cut to it, plus headers) "
                            + "exceed the producer's max.request.size of "
                            + producerMaxRequestSize()
                            + "; set "
                            + DLQ_MAX_PAYLOAD_CONFIG
                            + " to at most "
                            + Math.max(0, (producerMaxRequestSize() - DLQ_HEADER_BYTES) / 2)
                            + ".");
        }
    }

    /** Whether Avro topics use Confluent's wire format with a schema registry. */
    public boolean confluentFormat() {
        return getString(SERDE_FORMAT_CONFIG).equals("confluent");
    }

    /** How to reach the schema registry; only meaningful when {@link #confluentFormat()}. */
    public RegistrySettings registrySettings() {
        Password userInfo = getPassword(SCHEMA_REGISTRY_USER_INFO_CONFIG);
        Password token = getPassword(SCHEMA_REGISTRY_TOKEN_CONFIG);
        return new RegistrySettings(
                getString(SCHEMA_REGISTRY_URL_CONFIG),
                userInfo == null ? null : userInfo.value(),
                token == null ? null : token.value(),
                getString(SCHEMA_REGISTRY_SUBJECTS_CONFIG).equals("record")
                        ? SubjectNameStrategy.RECORD
                        : SubjectNameStrategy.TOPIC,
                Duration.ofSeconds(5));
    }

    public EncoderConfig encoder() {
        return encoder;
    }

    public Topics topics() {
        return new Topics(getString(TOPIC_PREFIX_CONFIG));
    }

    public ProfileSettings profileSettings() {
        return new ProfileSettings(
                Duration.ofMillis(Math.round(getDouble(HALF_LIFE_DAYS_CONFIG) * 86_400_000.0)),
                Duration.ofMinutes(getInt(SESSION_GAP_MINUTES_CONFIG)),
                ProfileSettings.defaults().topCategories());
    }

    /** Properties for Kafka Streams: segstream's own plus every {@code kafka.*} key. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID_CONFIG));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, getString(BOOTSTRAP_SERVERS_CONFIG));
        p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR_CONFIG));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE_CONFIG));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) getShort(REPLICATION_FACTOR_CONFIG));
        // a warm copy of every store on another instance, so that user lookups go on being
        // answered (flagged as standby) while the active owner restarts or the group rebalances;
        // with one instance there is nowhere to place it and it costs nothing
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        p.put(
                StreamsConfig.APPLICATION_SERVER_CONFIG,
                getString(REST_HOST_CONFIG) + ":" + getInt(REST_PORT_CONFIG));
        if (!getString(INSTANCE_ID_CONFIG).isBlank()) {
            // Kafka Streams gives each stream thread's consumer its own id from this one
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, getString(INSTANCE_ID_CONFIG).trim());
        }
        p.putAll(originalsWithPrefix(KAFKA_PREFIX));
        return p;
    }

    /**
     * The largest request the app's producer sends ({@code max.request.size}, as set through {@code
     * kafka.producer.max.request.size} or {@code kafka.max.request.size}): a record over it is
     * refused by the producer.
     */
    public int producerMaxRequestSize() {
        Map<String, Object> kafka = originalsWithPrefix(KAFKA_PREFIX);
        Object v =
                kafka.getOrDefault(
                        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                        kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        return v == null ? 1024 * 1024 : Integer.parseInt(v.toString().trim());
    }

    /**
     * The most bytes the app's main consumer fetches from one partition at a time ({@code
     * max.partition.fetch.bytes}, as set through {@code kafka.main.consumer.}, {@code
     * kafka.consumer.} or {@code kafka.}).
     */
    public int consumerMaxPartitionFetchBytes() {
        Map<String, Object> kafka = originalsWithPrefix(KAFKA_PREFIX);
        String key = ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG;
        Object v = kafka.get(StreamsConfig.mainConsumerPrefix(key));
        if (v == null) {
            v = kafka.getOrDefault(StreamsConfig.consumerPrefix(key), kafka.get(key));
        }
        return v == null
                ? ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES
                : Integer.parseInt(v.toString().trim());
    }

    /**
     * What every Kafka client of the app needs to reach the cluster: {@code bootstrap.servers} and
     * every {@code kafka.*} connection setting without the prefix ({@code security.protocol},
     * {@code sasl.*}, {@code ssl.*}). The streams client gets all {@code kafka.*} keys through
     * {@link #streamsProperties()}; the app's own admin clients, producers and consumers (topic
     * creation, the broker probe, deletions, model publishing, topic readers) start from this map,
     * so that a secured cluster needs its credentials set once.
     */
    public Map<String, Object> kafkaClientProperties() {
        Map<String, Object> p = new HashMap<>();
        originalsWithPrefix(KAFKA_PREFIX)
                .forEach(
                        (k, v) -> {
                            if (isConnectionSetting(k)) {
                                p.put(k, v);
                            }
                        });
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, getString(BOOTSTRAP_SERVERS_CONFIG));
        return p;
    }

    /** A client setting that says how to connect and authenticate, for every kind of client. */
    static boolean isConnectionSetting(String key) {
        return key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
                || key.startsWith("sasl.")
                || key.startsWith("ssl.");
    }

    /** The effective settings with their values, sorted, for the start-up banner. */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        values().forEach((k, v) -> out.put(k, String.valueOf(v)));
        out.putAll(encoder.describe());
        originalsWithPrefix(KAFKA_PREFIX)
                .forEach(
                        (k, v) ->
                                out.put(
                                        KAFKA_PREFIX + k,
                                        isSecret(k) ? HIDDEN : String.valueOf(v)));
        return out;
    }

    private static final String HIDDEN = "[hidden]";

    /**
     * Client prefixes Kafka Streams accepts in front of a client setting ({@code
     * producer.ssl.key.password}).
     */
    private static final List<String> CLIENT_PREFIXES =
            List.of(
                    StreamsConfig.MAIN_CONSUMER_PREFIX,
                    StreamsConfig.RESTORE_CONSUMER_PREFIX,
                    StreamsConfig.GLOBAL_CONSUMER_PREFIX,
                    StreamsConfig.CONSUMER_PREFIX,
                    StreamsConfig.PRODUCER_PREFIX,
                    StreamsConfig.ADMIN_CLIENT_PREFIX);

    /**
     * Whether a {@code kafka.*} key holds a secret (the JAAS config with its password, key and
     * store passwords, PEM keys): Kafka types them PASSWORD; the banner must not print them.
     */
    static boolean isSecret(String kafkaKey) {
        String key = kafkaKey;
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                key = key.substring(prefix.length());
                break;
            }
        }
        for (ConfigDef client : CLIENT_DEFS) {
            ConfigDef.ConfigKey def = client.configKeys().get(key);
            if (def != null && def.type == Type.PASSWORD) {
                return true;
            }
        }
        return key.contains("password") || key.contains("secret");
    }

    /** Where Kafka defines the types of client settings (SASL and TLS are not in Streams'). */
    private static final List<ConfigDef> CLIENT_DEFS =
            List.of(
                    StreamsConfig.configDef(),
                    AdminClientConfig.configDef(),
                    ProducerConfig.configDef(),
                    ConsumerConfig.configDef());

    public static SegstreamConfig of(Map<String, ?> overrides) {
        return new SegstreamConfig(new HashMap<>(overrides));
    }
}
