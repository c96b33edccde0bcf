# segstream's image, built from what `./mvnw -pl cli -am package` left in cli/target
# (no Maven and no build inside the image): `deploy/images/build app` does both steps. The base
# is a setting so that machines without a registry build on a local JRE image (docs/decisions.md).
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
# a home and a state dir the runtime user owns: a named volume mounted on /var/lib/segstream
# starts as a copy of this directory, owner included
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/segstream segstream \
 && mkdir -p /var/lib/segstream /opt/segstream \
 && chown segstream:segstream /var/lib/segstream
# dependencies first: they change far less often than the application jar
COPY cli/target/lib /opt/segstream/lib
# the encoder's files, extracted at build time so that a start extracts nothing
COPY cli/target/image/models /opt/segstream/models
COPY cli/target/segstream.jar /opt/segstream/segstream.jar
# DJL telemetry off; 4 MB thread stacks for the native tokenizer and ONNX Runtime (docs/decisions.md)
ENV OPT_OUT_TRACKING=true \
    HOME=/home/segstream \
    JAVA_TOOL_OPTIONS="-Xss4m -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -DOPT_OUT_TRACKING=true -Dsegstream.model.cache.dir=/opt/segstream/models"
USER segstream
WORKDIR /home/segstream
VOLUME /var/lib/segstream
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "/opt/segstream/segstream.jar:/opt/segstream/lib/*", "io.segstream.cli.SegstreamCli"]
CMD ["--help"]
