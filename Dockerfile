# One image for every part of the chat: `gateway`, `history` or `client` as the first argument picks which
# (ops/docker/entrypoint). docker-compose.yml at the root builds it and runs the whole stack.

# ---- build: the shaded jars ----
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src

# Every module's pom first: the reactor needs them all, and this layer, with the dependencies below, is rebuilt
# only when a pom changes.
COPY pom.xml ./
COPY launcher/pom.xml launcher/
COPY protocol/pom.xml protocol/
COPY settings/pom.xml settings/
COPY admin/pom.xml admin/
COPY runtime/pom.xml runtime/
COPY ops/local-kafka/pom.xml ops/local-kafka/
COPY ops/local-tls/pom.xml ops/local-tls/
COPY ops/testkit/pom.xml ops/testkit/
COPY gateway/pom.xml gateway/
COPY history-service/pom.xml history-service/
COPY terminal-client/pom.xml terminal-client/
COPY ops/bench/pom.xml ops/bench/
COPY ops/chaos/pom.xml ops/chaos/
COPY ops/system-tests/pom.xml ops/system-tests/
COPY ops/architecture/pom.xml ops/architecture/

# The three runnable jars and the modules they need (testkit, local-kafka and local-tls come in as the gateway's and
# the history service's test dependencies). Tests are not compiled here; `ops/chat test` is where they run.
ARG MODULES=gateway,history-service,terminal-client
ARG MAVEN_FLAGS="-B -q -Dmaven.test.skip=true"

# A build of the poms alone downloads every plugin and dependency the real build uses. dependency:go-offline
# cannot: it looks for this project's own modules in a remote repository.
RUN mvn $MAVEN_FLAGS -pl $MODULES -am clean package

COPY launcher/src/main launcher/src/main
COPY protocol/src/main protocol/src/main
COPY settings/src/main settings/src/main
COPY admin/src/main admin/src/main
COPY runtime/src/main runtime/src/main
COPY ops/local-kafka/src/main ops/local-kafka/src/main
COPY ops/local-tls/src/main ops/local-tls/src/main
COPY ops/testkit/src/main ops/testkit/src/main
COPY gateway/src/main gateway/src/main
COPY history-service/src/main history-service/src/main
COPY terminal-client/src/main terminal-client/src/main
RUN mvn $MAVEN_FLAGS -pl $MODULES -am clean package

# ---- runtime ----
FROM eclipse-temurin:21-jre-noble

# A fixed uid, so volumes and file permissions mean the same on every host. The home directory is where the
# client keeps its state (~/.config/kafka-chat).
RUN groupadd --system --gid 10001 chat \
 && useradd --system --uid 10001 --gid chat --home-dir /home/chat --create-home --shell /usr/sbin/nologin chat

# The health check is a bash script speaking HTTP over /dev/tcp rather than curl: the JRE base image does not
# promise curl, and installing it would add a package, and its security updates, that nothing else needs.
COPY ops/docker/entrypoint ops/docker/healthcheck /app/
COPY --from=build /src/gateway/target/gateway.jar /app/
COPY --from=build /src/history-service/target/history-service.jar /app/
COPY --from=build /src/terminal-client/target/terminal-client.jar /app/
RUN chmod 0755 /app/entrypoint /app/healthcheck

# Heap in proportion to the container's memory limit; an out-of-memory JVM exits, for the restart policy to
# start a clean one, rather than limping on.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER chat
WORKDIR /home/chat
ENTRYPOINT ["/app/entrypoint"]

