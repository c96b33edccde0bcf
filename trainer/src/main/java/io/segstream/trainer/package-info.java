/**
 * The offline trainer: re-fits the segment model from a dataset or the Kafka topics, keeps segment
 * ids stable across re-fits and publishes versioned models. It depends on {@code core} for features
 * and the encoder, never on the streaming app, so that online and offline features are computed by
 * the same code.
 */
package io.segstream.trainer;
