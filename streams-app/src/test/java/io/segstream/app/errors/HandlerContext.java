package io.segstream.app.errors;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/** Where a failed record came from, as Kafka Streams describes it to the handlers. */
record HandlerContext(String topic, int partition, long offset, TaskId taskId)
        implements ErrorHandlerContext {

    @Override
    public Headers headers() {
        return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
        return "segments-sink";
    }

    @Override
    public long timestamp() {
        return 0L;
    }

    @Override
    public byte[] sourceRawKey() {
        return null;
    }

    @Override
    public byte[] sourceRawValue() {
        return null;
    }
}
