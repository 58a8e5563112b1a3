# Sourced by the other scripts: sets JAVA_HOME to a JDK 21 or newer (GraalPy 25 needs one).
# Order: $JAVA_HOME if new enough, the `java` on PATH, then the newest JDK under /usr/lib/jvm.

# _release_value JAVA KEY: the value of KEY in the release file of the JDK whose java is JAVA,
# without quotes; fails when there is no such file or key. Read in the shell: the launcher sources
# this on every start, and each program it starts costs a few milliseconds.
_release_value() {
    local release="${1%/bin/java}/release" line
    [ -r "$release" ] || return 1
    while IFS= read -r line; do
        case "$line" in
            "$2="*)
                line=${line#"$2="}; line=${line#\"}
                echo "${line%\"}"
                return 0 ;;
        esac
    done < "$release"
    return 1
}

_java_major() {
    # The JDK's release file answers without starting a JVM (each start costs a few hundred ms of
    # the launcher's start-up); ask the JVM only when there is no release file.
    local version
    if version=$(_release_value "$1" JAVA_VERSION); then
        echo "${version%%[!0-9]*}"
        return
    fi
    "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# True when the JDK has JVMCI (needed to run the Graal compiler), read from the release file when
# there is one, otherwise by starting the JVM with JVMCI on.
_has_jvmci() {
    local modules
    if modules=$(_release_value "$1" MODULES); then
        case " $modules " in *" jdk.internal.vm.ci "*) return 0 ;; esac
        return 1
    fi
    "$1" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -version >/dev/null 2>&1
}

# Prints CANDIDATE when it is a JDK 21 or newer.
_jdk_if_new_enough() {
    local candidate=${1%/} major
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || return 1
    major=$(_java_major "$candidate/bin/java")
    [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null || return 1
    echo "$candidate"
}

# The later candidates are looked up only when the earlier ones fail: with JAVA_HOME set, the
# launcher's start-up runs no other program here.
_pick_jdk() {
    local candidate on_path
    _jdk_if_new_enough "${JAVA_HOME:-}" && return 0
    if on_path=$(command -v java 2>/dev/null); then
        on_path=$(readlink -f "$on_path")
        _jdk_if_new_enough "${on_path%/bin/java}" && return 0
    fi
    for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
        _jdk_if_new_enough "$candidate" && return 0
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
