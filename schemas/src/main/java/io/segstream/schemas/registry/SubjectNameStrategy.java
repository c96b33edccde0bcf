package io.segstream.schemas.registry;

import org.apache.avro.Schema;

/**
 * Which registry subject a topic's values are registered under, as Confluent's serializers name it.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-value}: one schema history per topic (Confluent's default). */
    TOPIC,
    /** The record's full name, e.g. {@code io.segstream.schemas.ClickEvent}: shared by topics. */
    RECORD;

    public String subject(String topic, Schema schema) {
        return this == TOPIC ? topic + "-value" : schema.getFullName();
    }
}
