package io.segstream.schemas;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The data model the codecs use: Avro's specific model, except that the catalog's generated classes
 * are resolved directly instead of by name.
 *
 * <p>Since Avro 1.12.2 every class that Avro loads by name must be allow-listed in {@code
 * org.apache.avro.util.ClassSecurityValidator} (AVRO-4189), which by default trusts no application
 * class at all, so decoding a generated record fails with a {@link SecurityException}. The
 * workarounds Avro offers are JVM-wide (a system property read once at start-up, or replacing the
 * global validator), and would make every deployment depend on a flag. Resolving the classes this
 * module generated itself needs no trust decision: they are fixed at build time, while any other
 * class a schema might name still goes through Avro's check.
 */
final class CatalogSpecificData extends SpecificData {

    private final Map<String, Class<?>> generatedClasses;

    private CatalogSpecificData(Map<String, Class<?>> generatedClasses) {
        super(CatalogSpecificData.class.getClassLoader());
        this.generatedClasses = Map.copyOf(generatedClasses);
    }

    /**
     * A model resolving every named type (records, nested records, enums) of the given records'
     * current schemas, with the logical-type conversions their generated classes use.
     */
    static CatalogSpecificData forRecords(
            Collection<Class<? extends SpecificRecord>> recordClasses) {
        Map<String, Class<?>> generated = new HashMap<>();
        for (Class<? extends SpecificRecord> type : recordClasses) {
            collectNamedTypes(SpecificData.getForClass(type).getSchema(type), generated);
        }
        CatalogSpecificData result = new CatalogSpecificData(generated);
        for (Class<?> type : generated.values()) {
            if (SpecificRecord.class.isAssignableFrom(type)) {
                SpecificData.getForClass(type)
                        .getConversions()
                        .forEach(result::addLogicalTypeConversion);
            }
        }
        return result;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getClass(Schema schema) {
        if (isNamed(schema)) {
            Class<?> generated = generatedClasses.get(schema.getFullName());
            if (generated != null) {
                return generated;
            }
        }
        return super.getClass(schema);
    }

    private static void collectNamedTypes(Schema schema, Map<String, Class<?>> generated) {
        if (isNamed(schema)) {
            if (generated.containsKey(schema.getFullName())) {
                return;
            }
            generated.put(schema.getFullName(), loadGenerated(schema));
        }
        switch (schema.getType()) {
            case RECORD ->
                    schema.getFields().forEach(f -> collectNamedTypes(f.schema(), generated));
            case ARRAY -> collectNamedTypes(schema.getElementType(), generated);
            case MAP -> collectNamedTypes(schema.getValueType(), generated);
            case UNION -> schema.getTypes().forEach(t -> collectNamedTypes(t, generated));
            default -> {}
        }
    }

    private static Class<?> loadGenerated(Schema schema) {
        String className = SpecificData.getClassName(schema);
        try {
            return Class.forName(className, false, CatalogSpecificData.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "No generated class " + className + " for " + schema.getFullName(), e);
        }
    }

    private static boolean isNamed(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> true;
            default -> false;
        };
    }
}
