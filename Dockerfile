# segstream application image: build with `docker build -t segstream .` from the repository root.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q -B -pl streams-app -am package -DskipTests -Dspotless.check.skip=true -Dspotless.apply.skip=true

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 segstream
WORKDIR /opt/segstream
COPY --from=build /src/streams-app/target/segstream.jar app/segstream.jar
COPY --from=build /src/streams-app/target/lib app/lib
# DJL telemetry off; 4 MB thread stacks for the native tokenizer and ONNX Runtime (docs/decisions.md)
ENV OPT_OUT_TRACKING=true \
    JAVA_TOOL_OPTIONS="-Xss4m -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -DOPT_OUT_TRACKING=true"
USER segstream
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "app/segstream.jar:app/lib/*", "io.segstream.app.cli.SegstreamCli"]
CMD ["run", "--bootstrap-servers", "kafka:9092", "-D", "rest.host=0.0.0.0"]
