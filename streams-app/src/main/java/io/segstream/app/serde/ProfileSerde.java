package io.segstream.app.serde;

import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.UserProfile;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Serde of the {@code user-profiles} store, over the compact {@link ProfileCodec}. */
public final class ProfileSerde implements Serde<UserProfile> {

    @Override
    public Serializer<UserProfile> serializer() {
        return (topic, profile) -> profile == null ? null : ProfileCodec.encode(profile);
    }

    @Override
    public Deserializer<UserProfile> deserializer() {
        return (topic, bytes) -> bytes == null ? null : ProfileCodec.decode(bytes);
    }
}
