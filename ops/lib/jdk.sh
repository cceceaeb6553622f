# Sourced by ops/chat and .ci/run: finds a JDK of version 21 or newer and exports JAVA_HOME and JAVA.
# Looks at $JAVA_HOME, then `java` on the PATH, then the JDKs under /usr/lib/jvm (newest first).

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

find_jdk() {
  local candidates=() candidate major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r candidate; do candidates+=("$candidate"); done \
      < <(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V -r)
  fi
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      JAVA=$(readlink -f "$candidate")
      JAVA_HOME=$(dirname "$(dirname "$JAVA")")
      export JAVA JAVA_HOME
      return 0
    fi
  done
  cat >&2 <<'MSG'
This project needs a JDK 21 or newer, and none was found (looked at $JAVA_HOME, java on the PATH, /usr/lib/jvm/*).
Install one, for example:  apt-get install openjdk-21-jdk   (or Temurin 21 or newer)
or point JAVA_HOME at one you have.
MSG
  return 1
}
