package io.segstream.schemas;

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
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every record type exchanged on segstream topics, with every version of its schema that may still
 * be found on those topics.
 *
 * <p>Old versions are kept as resources listed in {@value #HISTORY_INDEX} (a jar cannot be listed,
 * hence the index) and the current version is the generated class's schema, so the catalog cannot
 * disagree with the code. Inconsistent history (a gap in version numbers, a file whose record name
 * does not match its file name, a copy of the current schema) fails the load: it is a packaging bug
 * that would otherwise surface as undecodable records in production.
 *
 * <p>Nested records (such as {@link OrderLine}) are part of their parent's schema and are not
 * listed separately.
 */
public final class SchemaCatalog {

    private static final String NAMESPACE = SchemaCatalog.class.getPackageName();

    static final String HISTORY_DIRECTORY = "history/";
    static final String HISTORY_INDEX = HISTORY_DIRECTORY + "index.txt";

    private static final Pattern HISTORY_FILE =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\.v([1-9][0-9]*)\\.avsc");

    private static final List<Class<? extends SpecificRecord>> RECORD_CLASSES =
            List.of(
                    ClickEvent.class,
                    OrderEvent.class,
                    DeletionRequest.class,
                    ReviewEvent.class,
                    SegmentAssignment.class,
                    SegmentChange.class,
                    SegmentModel.class,
                    CentroidDelta.class,
                    HeadModel.class,
                    ReviewAlert.class);

    private final List<Class<? extends SpecificRecord>> recordClasses;
    private final Map<String, List<Schema>> versionsByName;
    private final SchemaStore schemaStore;
    private final CatalogSpecificData specificData;

    private SchemaCatalog(
            List<Class<? extends SpecificRecord>> recordClasses,
            Map<String, List<Schema>> versionsByName) {
        this.recordClasses = List.copyOf(recordClasses);
        this.versionsByName = Collections.unmodifiableMap(new LinkedHashMap<>(versionsByName));
        SchemaStore.Cache store = new SchemaStore.Cache();
        allSchemas().forEach(store::addSchema);
        // Shared by every codec: hand out a read-only view, not the mutable cache.
        this.schemaStore = store::findByFingerprint;
        this.specificData = CatalogSpecificData.forRecords(this.recordClasses);
    }

    /** The catalog of this module's records, loaded once from the classpath. */
    public static SchemaCatalog standard() {
        return Standard.INSTANCE;
    }

    /** The generated classes of the top-level records, one per record name. */
    public List<Class<? extends SpecificRecord>> recordClasses() {
        return recordClasses;
    }

    /** Full names of the top-level records, e.g. {@code io.segstream.schemas.ClickEvent}. */
    public Set<String> recordNames() {
        return versionsByName.keySet();
    }

    /**
     * Every version of a record's schema, oldest first; element {@code i} is version {@code i + 1}
     * and the last element is the current schema.
     *
     * @param fullName the record's full Avro name, e.g. {@code io.segstream.schemas.ClickEvent}
     * @throws IllegalArgumentException if the record is not in the catalog
     */
    public List<Schema> versionsOf(String fullName) {
        List<Schema> versions = versionsByName.get(fullName);
        if (versions == null) {
            throw new IllegalArgumentException(
                    "Unknown record " + fullName + "; known: " + versionsByName.keySet());
        }
        return versions;
    }

    /** Every version of every record, grouped by record, oldest first within each record. */
    public List<Schema> allSchemas() {
        List<Schema> all = new ArrayList<>();
        versionsByName.values().forEach(all::addAll);
        return List.copyOf(all);
    }

    /**
     * A store resolving the fingerprint of any version of any record, for single-object decoding.
     */
    public SchemaStore schemaStore() {
        return schemaStore;
    }

    /**
     * The data model to read and write this catalog's records with; see {@link
     * CatalogSpecificData}.
     */
    public SpecificData specificData() {
        return specificData;
    }

    private static SchemaCatalog load() {
        Map<String, TreeMap<Integer, Schema>> history = loadHistory();
        Map<String, List<Schema>> versionsByName = new LinkedHashMap<>();
        for (Class<? extends SpecificRecord> type : RECORD_CLASSES) {
            Schema current = SpecificData.getForClass(type).getSchema(type);
            TreeMap<Integer, Schema> older = history.remove(current.getFullName());
            List<Schema> versions = new ArrayList<>();
            if (older != null) {
                checkNoGap(current.getFullName(), older);
                versions.addAll(older.values());
            }
            checkNotInHistory(current, versions);
            versions.add(current);
            versionsByName.put(current.getFullName(), List.copyOf(versions));
        }
        if (!history.isEmpty()) {
            throw new IllegalStateException(
                    "Schema history lists records without a current class: " + history.keySet());
        }
        return new SchemaCatalog(RECORD_CLASSES, versionsByName);
    }

    private static Map<String, TreeMap<Integer, Schema>> loadHistory() {
        Map<String, TreeMap<Integer, Schema>> history = new LinkedHashMap<>();
        for (String file : readIndex()) {
            Matcher matcher = HISTORY_FILE.matcher(file);
            if (!matcher.matches()) {
                throw new IllegalStateException(
                        HISTORY_INDEX + " lists '" + file + "', not <Name>.v<N>.avsc");
            }
            Schema schema = parseResource(HISTORY_DIRECTORY + file);
            if (!schema.getName().equals(matcher.group(1))
                    || !Objects.equals(schema.getNamespace(), NAMESPACE)) {
                throw new IllegalStateException(
                        file + " defines " + schema.getFullName() + ", not what its name says");
            }
            Schema previous =
                    history.computeIfAbsent(schema.getFullName(), name -> new TreeMap<>())
                            .put(Integer.parseInt(matcher.group(2)), schema);
            if (previous != null) {
                throw new IllegalStateException(HISTORY_INDEX + " lists " + file + " twice");
            }
        }
        return history;
    }

    private static List<String> readIndex() {
        List<String> files = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(open(HISTORY_INDEX), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String file = line.strip();
                if (!file.isEmpty() && !file.startsWith("#")) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + HISTORY_INDEX, e);
        }
        return files;
    }

    private static Schema parseResource(String resource) {
        try (InputStream in = open(resource)) {
            // One parser per file: every version redefines the same names.
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schema " + resource, e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = SchemaCatalog.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(
                    "Missing resource " + resource + " next to " + SchemaCatalog.class.getName());
        }
        return in;
    }

    private static void checkNoGap(String name, TreeMap<Integer, Schema> older) {
        int expected = 1;
        for (int version : older.keySet()) {
            if (version != expected) {
                throw new IllegalStateException(
                        "History of "
                                + name
                                + " lacks version "
                                + expected
                                + " (has "
                                + older.keySet()
                                + ")");
            }
            expected++;
        }
    }

    private static void checkNotInHistory(Schema current, List<Schema> older) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(current);
        for (int i = 0; i < older.size(); i++) {
            if (SchemaNormalization.parsingFingerprint64(older.get(i)) == fingerprint) {
                throw new IllegalStateException(
                        "History version "
                                + (i + 1)
                                + " of "
                                + current.getFullName()
                                + " is the current schema; the current version lives only in the"
                                + " generated class");
            }
        }
    }

    /** Lazy holder: the history is parsed once, on first use. */
    private static final class Standard {
        static final SchemaCatalog INSTANCE = load();
    }
}
