# Sourced by the other scripts: sets JAVA_HOME to a JDK 21 or newer (GraalPy 25 needs one).
# Order: $JAVA_HOME if new enough, the `java` on PATH, then the newest JDK under /usr/lib/jvm.

_java_major() {
    # The JDK's release file answers without starting a JVM (each start costs a few hundred ms of
    # the launcher's start-up); ask the JVM only when there is no release file.
    local release
    release="$(dirname "$(dirname "$1")")/release"
    if [ -r "$release" ] && grep -q '^JAVA_VERSION=' "$release"; then
        sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$release" | head -1
        return
    fi
    "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# True when the JDK has JVMCI (needed to run the Graal compiler), read from the release file when
# there is one, otherwise by starting the JVM with JVMCI on.
_has_jvmci() {
    local release
    release="$(dirname "$(dirname "$1")")/release"
    if [ -r "$release" ] && grep -q '^MODULES=' "$release"; then
        grep '^MODULES=' "$release" | grep -q -w 'jdk.internal.vm.ci'
        return
    fi
    "$1" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -version >/dev/null 2>&1
}

_pick_jdk() {
    local candidate major
    for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
                     $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
        candidate="${candidate%/}"
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        major=$(_java_major "$candidate/bin/java")
        if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! JAVA_HOME=$(_pick_jdk); then
    echo "error: no JDK 21 or newer found (checked \$JAVA_HOME, java on PATH and /usr/lib/jvm);" \
         "install one (for example Temurin 25) or point JAVA_HOME at it" >&2
    exit 2
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
