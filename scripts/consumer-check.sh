#!/usr/bin/env bash
# A separate Maven project uses gdtls-java as any other project would: from the local Maven repository.
#
#   scripts/consumer-check.sh [--no-install] [--keep] [--pki DIR]
#
# 1. installs the library from this tree (mvn -DskipTests install; --no-install uses what ./gdtls install put
#    into ~/.m2 before),
# 2. writes a fresh Maven project into a temporary directory outside the tree: its only dependency is
#    org.gdtls:gdtls-java:VERSION, its plugins are pinned to the versions this tree uses, it has a module-info
#    (`requires org.gdtls;`) and one program on the public API: a DTLS server and client on loopback, a handshake
#    (the client validates the server against the test CA) and a datagram each way,
# 3. builds it offline (mvn -o: whatever it needs is in ~/.m2 after the tree's build) and checks that its
#    resolved dependencies are gdtls-java and JavaCPP and nothing else,
# 4. runs the program on the class path, then on the module path (java --module-path ... -m consumer/...), each
#    with the --enable-native-access flag the README gives for it; a JVM warning on stderr fails the run (on JDK
#    24 and later, JAVA_HOME=... scripts/consumer-check.sh, this checks those flags).
# The PKI is the test PKI (src/test/resources/org/gdtls/pki), passed to the program as a path.
# Exits non-zero, with the failing step's output, at the first failure. --keep keeps the project directory.
set -euo pipefail
tree=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)

install=true
keep=false
pki="$tree/src/test/resources/org/gdtls/pki"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=false ;;
    --keep) keep=true ;;
    --pki) pki=$(cd "$2" && pwd); shift ;;
    *) echo "usage: $0 [--no-install] [--keep] [--pki DIR]" >&2; exit 2 ;;
  esac
  shift
done

say() { echo "consumer-check: $*"; }
fail() {
  echo "consumer-check: FAILED: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/    /' "$2" >&2; fi
  exit 1
}

java_cmd=${JAVA_HOME:+$JAVA_HOME/bin/}java
# The project's own version and the plugin versions its pluginManagement pins (one line per plugin there).
version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$tree/pom.xml" | head -n 1)
plugin_version() {
  sed -n "s|.*<plugin><artifactId>$1</artifactId><version>\([^<]*\)</version></plugin>.*|\1|p" "$tree/pom.xml" | head -n 1
}
compiler_version=$(plugin_version maven-compiler-plugin)
resources_version=$(plugin_version maven-resources-plugin)
dependency_version=$(plugin_version maven-dependency-plugin)
for v in version compiler_version resources_version dependency_version; do
  [ -n "${!v}" ] || fail "cannot read $v from $tree/pom.xml"
done
[ -f "$pki/ca.pem" ] && [ -f "$pki/server.pem" ] && [ -f "$pki/server-key.pem" ] || fail "no test PKI in $pki"

start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/gdtls-consumer.XXXXXX")
case "$work/" in "$tree"/*) fail "the temporary directory $work is inside the tree" ;; esac
if $keep; then say "project kept in $work"; else trap 'rm -rf "$work"' EXIT; fi
log="$work/step.log"

if $install; then
  # dependency:build-classpath too: the consumer's offline build uses that plugin, which the tree's own build and
  # tests never load, so on a fresh machine it would not be in ~/.m2 yet.
  say "installing org.gdtls:gdtls-java:$version from $tree (mvn -B -DskipTests install dependency:build-classpath)"
  (cd "$tree" && mvn -B -q -DskipTests install dependency:build-classpath \
      -Dmdep.outputFile="$work/tree-runtime-classpath.txt" -DincludeScope=runtime) >"$log" 2>&1 \
    || fail "mvn install in the tree" "$log"
fi
repo_dir="$HOME/.m2/repository/org/gdtls/gdtls-java/$version"
[ -f "$repo_dir/gdtls-java-$version.jar" ] || fail "org.gdtls:gdtls-java:$version is not installed in $repo_dir (run ./gdtls install)"
for classifier in sources javadoc; do
  [ -f "$repo_dir/gdtls-java-$version-$classifier.jar" ] || fail "no gdtls-java-$version-$classifier.jar in $repo_dir"
done
say "library: $repo_dir/gdtls-java-$version.jar (with -sources and -javadoc jars)"

project="$work/gdtls-consumer"
mkdir -p "$project/src/main/java/consumer"
cat >"$project/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>gdtls-consumer</artifactId>
  <version>1</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>17</maven.compiler.release>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.gdtls</groupId>
      <artifactId>gdtls-java</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin><artifactId>maven-compiler-plugin</artifactId><version>$compiler_version</version></plugin>
        <plugin><artifactId>maven-resources-plugin</artifactId><version>$resources_version</version></plugin>
        <plugin><artifactId>maven-dependency-plugin</artifactId><version>$dependency_version</version></plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
EOF
cat >"$project/src/main/java/module-info.java" <<'EOF'
module consumer {
    requires org.gdtls;
}
EOF
cat >"$project/src/main/java/consumer/Main.java" <<'EOF'
package consumer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.gdtls.DtlsClientConnection;
import org.gdtls.DtlsServerConnection;
import org.gdtls.TlsCertificate;
import org.gdtls.TlsDatabase;
import org.gdtls.UdpSocket;

/** A DTLS server and client on loopback, on gdtls-java's public API: args PKI-DIR class-path|module-path. */
public final class Main {
    public static void main(String[] args) throws Exception {
        Path pki = Path.of(args[0]);
        boolean modulePath = args[1].equals("module-path");
        Module library = UdpSocket.class.getModule();
        check(Main.class.getModule().isNamed() == modulePath && library.isNamed() == modulePath
                && (!modulePath || library.getName().equals("org.gdtls")),
                "on the " + args[1] + ": consumer in " + Main.class.getModule() + ", gdtls-java in " + library);

        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UdpSocket serverSocket = UdpSocket.bind(loopback);
             UdpSocket clientSocket = UdpSocket.bind(loopback);
             TlsCertificate certificate = TlsCertificate.fromFiles(pki.resolve("server.pem"), pki.resolve("server-key.pem"));
             TlsDatabase trust = TlsDatabase.fromFile(pki.resolve("ca.pem"))) {
            serverSocket.connect(clientSocket.localAddress());
            clientSocket.connect(serverSocket.localAddress());
            try (DtlsServerConnection server = DtlsServerConnection.create(serverSocket, certificate);
                 DtlsClientConnection client = DtlsClientConnection.create(clientSocket, "server.example.com")) {
                client.setDatabase(trust);
                client.onAcceptCertificate((connection, peer, errors) -> false);
                // The server echoes one datagram, upper-cased, on a thread of its own.
                CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                    try {
                        server.handshake(Duration.ofSeconds(20));
                        ByteBuffer in = ByteBuffer.allocateDirect(1500);
                        server.receive(in, Duration.ofSeconds(10));
                        String text = StandardCharsets.UTF_8.decode(in.flip()).toString();
                        server.send(ByteBuffer.wrap(text.toUpperCase().getBytes(StandardCharsets.UTF_8)));
                        return text;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                client.handshake(Duration.ofSeconds(20));
                check(client.peerCertificateErrors().isEmpty(), "handshake: " + client.protocolVersion() + ", "
                        + client.ciphersuiteName() + ", server certificate valid for the test CA");
                client.send(ByteBuffer.wrap("hello from the consumer".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer reply = ByteBuffer.allocateDirect(1500);
                client.receive(reply, Duration.ofSeconds(10));
                String answer = StandardCharsets.UTF_8.decode(reply.flip()).toString();
                String received = served.get(20, TimeUnit.SECONDS);
                check(received.equals("hello from the consumer") && answer.equals("HELLO FROM THE CONSUMER"),
                        "datagrams: server received \"" + received + "\", client received \"" + answer + "\"");
            }
        }
        System.out.println("DONE");
    }

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "OK " : "FAILED ") + what);
        if (!ok) {
            System.exit(1);
        }
    }
}
EOF
say "consumer project: $project (module consumer, requires org.gdtls; its only dependency org.gdtls:gdtls-java:$version)"

say "building it offline: mvn -o compile dependency:build-classpath (compiler $compiler_version, resources $resources_version, dependency $dependency_version)"
(cd "$project" && mvn -B -o -q compile dependency:build-classpath -Dmdep.outputFile=classpath.txt) >"$log" 2>&1 \
  || fail "the consumer's offline build (after ./gdtls install, a plugin may be missing from ~/.m2: run without --no-install)" "$log"
classpath=$(cat "$project/classpath.txt")
say "resolved dependencies:"
IFS=: read -r -a jars <<<"$classpath"
unexpected=()
seen_library=false
seen_javacpp=false
for jar in "${jars[@]}"; do
  echo "    $jar"
  case "$jar" in
    "$repo_dir/gdtls-java-$version.jar") seen_library=true ;;
    "$HOME"/.m2/repository/org/bytedeco/javacpp/*/javacpp-*.jar) seen_javacpp=true ;;
    *) unexpected+=("$jar") ;;
  esac
done
[ ${#unexpected[@]} -eq 0 ] || fail "dependencies other than gdtls-java and JavaCPP: ${unexpected[*]}"
$seen_library && $seen_javacpp || fail "gdtls-java ($seen_library) and JavaCPP ($seen_javacpp) must both be resolved: $classpath"

run() {
  local mode=$1; shift
  say "running on the $mode: $java_cmd $*"
  if ! (cd "$work" && "$java_cmd" "$@") >"$work/$mode.out" 2>"$work/$mode.err"; then
    cat "$work/$mode.out" "$work/$mode.err" >"$log"
    fail "the program on the $mode" "$log"
  fi
  sed 's/^/    /' "$work/$mode.out"
  grep -q '^DONE$' "$work/$mode.out" || fail "the program on the $mode did not finish" "$work/$mode.out"
  # JDK 24+ warns unless native access is enabled: for JavaCPP's loader (System::loadLibrary) and, on the module
  # path, for the JNI methods of module org.gdtls. The README's flags must silence both (seen with JDK 25).
  if grep -q '^WARNING' "$work/$mode.err"; then fail "the JVM warned on the $mode" "$work/$mode.err"; fi
}
run class-path --enable-native-access=ALL-UNNAMED \
    -cp "$project/target/classes:$classpath" consumer.Main "$pki" class-path
run module-path --enable-native-access=org.bytedeco.javacpp,org.gdtls \
    --module-path "$project/target/classes:$classpath" -m consumer/consumer.Main "$pki" module-path

say "passed in $((SECONDS - start)) s ($("$java_cmd" -version 2>&1 | head -n 1))"
