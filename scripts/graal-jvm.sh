# Sourced after jdk.sh by scripts/wallaroo, scripts/flink-local and the distribution's bin/wallaroo
# (where it is lib/graal-jvm.sh): how a JVM is started so that GraalPy JIT-compiles Python.
#
# GraalPy's jars go on the module path; the Graal compiler and the few SDK jars it needs go on
# the upgrade module path with JVMCI on, because the compiler cannot load from the plain module
# path on a stock JDK. Without JVMCI everything goes on the module path and Python runs
# interpreter-only (the engine says so at start-up).

graal_join() { local IFS=:; echo "$*"; }

# graal_sort_jars FILE...: puts each jar into graal_upgrade, graal_module or graal_other.
graal_sort_jars() {
    graal_upgrade=() graal_module=() graal_other=()
    local jar
    for jar in "$@"; do
        case "${jar##*/}" in   # the file name, without a basename process per jar
            org.graalvm.compiler.*|org.graalvm.truffle.truffle-compiler-*|org.graalvm.sdk.word-*|org.graalvm.sdk.collections-*|org.graalvm.sdk.nativeimage-*)
                graal_upgrade+=("$jar") ;;
            org.graalvm.*|org.bouncycastle.*)
                graal_module+=("$jar") ;;
            *)
                graal_other+=("$jar") ;;
        esac
    done
}

# graal_jvm_options [RUNTIME_DIR [SETUP_COMMAND [CACHE_NAME]]]: sets graal_opts to the module-path,
# JVMCI and access flags for the jars that graal_sort_jars sorted, and graal_java to the java to
# run. WALLAROO_JIT=off leaves the compiler out.
# RUNTIME_DIR is what scripts/runtime-image built (the launchers pass it): when its jdk/ is there,
# that JDK runs with the compiler on the plain module path (it has no Graal module of its own to
# upgrade), so the JVM may use CACHE_NAME (wallaroo.aot by default), its AOT cache of start-up's
# classes; the JDK turns such caches off whenever --upgrade-module-path is given. A cache fits only
# the class path it was recorded with, so the Flink runner's launch has its own.
# WALLAROO_RUNTIME=jdk uses $JAVA_HOME instead. WALLAROO_AOT_RECORD=FILE records a cache
# (scripts/runtime/train.py).
# SETUP_COMMAND names what makes RUNTIME_DIR (the distribution's bin/wallaroo-runtime-image): when
# it is missing on a JDK that could use one, the engine's start-up line says so and names it.
graal_jvm_options() {
    graal_opts=(-Xss16m --enable-native-access=org.graalvm.truffle,ALL-UNNAMED)
    graal_java="$JAVA_HOME/bin/java"
    local runtime=${1:-} setup=${2:-}
    local cache="$runtime/${3:-wallaroo.aot}"
    if [ -n "$runtime" ] && [ "${WALLAROO_RUNTIME:-image}" != jdk ] && [ "${WALLAROO_JIT:-on}" != "off" ] \
            && [ -x "$runtime/jdk/bin/java" ]; then
        graal_java="$runtime/jdk/bin/java"
        graal_opts+=(--sun-misc-unsafe-memory-access=allow -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI
                     --module-path "$(graal_join "${graal_module[@]}" "${graal_upgrade[@]}")"
                     --add-modules org.graalvm.polyglot,jdk.graal.compiler,org.graalvm.truffle.compiler)
        if [ -n "${WALLAROO_AOT_RECORD:-}" ]; then
            graal_opts+=("-XX:AOTCacheOutput=$WALLAROO_AOT_RECORD")
        elif [ -f "$cache" ]; then
            # A cache that does not match (other jars, another collector in WALLAROO_JAVA_OPTS) is
            # skipped; the engine's start-up line says whether one is in use, so the JVM's own
            # messages about it stay quiet, all of them: a launch of the Flink runner once printed
            # warnings tagged [aot,codecache,stubs] about adapters it rebuilt.
            graal_opts+=("-XX:AOTCache=$cache" -Xlog:aot*=off -Xlog:cds*=off "-Dwallaroo.aot.cache=$cache")
        fi
        # Python bytecode files (BytecodeCache.java says what they save and why lanes lose nothing by them)
        [ -w "$runtime" ] && graal_opts+=("-Dwallaroo.pycache.default=$runtime/pycache")
        return 0
    fi
    local major
    major=$(_java_major "$JAVA_HOME/bin/java")
    [ "${major%%.*}" -ge 24 ] && graal_opts+=(--sun-misc-unsafe-memory-access=allow)
    if [ "${WALLAROO_JIT:-on}" != "off" ] && _has_jvmci "$JAVA_HOME/bin/java"; then
        if [ -n "$setup" ] && [ "${major%%.*}" -ge 25 ] && [ "${WALLAROO_RUNTIME:-image}" != jdk ]; then
            graal_opts+=("-Dwallaroo.aot.setup=$setup")
        fi
        graal_opts+=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI
                     --upgrade-module-path "$(graal_join "${graal_upgrade[@]}")"
                     --module-path "$(graal_join "${graal_module[@]}")")
    else
        graal_opts+=(--module-path "$(graal_join "${graal_module[@]}" "${graal_upgrade[@]}")")
    fi
    graal_opts+=(--add-modules org.graalvm.polyglot)
}

# wallaroo_heap_options ARGS...: the local engine's heap, from the lane count in the arguments.
# The parallel collector (young pauses shared by one GC thread per core, and none of G1's ~85 MB of
# remembered sets) with a cap that grows with the lane count, because each lane is one
# interpreter: 288 MB for one lane, 64 MB more for each other. An application whose state needs
# more gets MemoryError on the messages that do not fit, with a log line naming this cap; an -Xmx
# or a collector of the user's (-XX:+UseZGC, say) in WALLAROO_JAVA_OPTS wins.
# Measured for word count on 2 cores (docs/design.md): the parallel collector ran warm 6-22%
# faster than the serial one (five interleaved pairs; two lanes 5-28%) with a slightly shorter
# latency tail, the cold phase and ready the same, for peak RSS 570-582 MB against 527-541 MB
# with one lane (1.3-1.8 GB with the JVM's defaults).
# The heap starts at its cap: the serial collector, the default before, sized its young
# generation from the heap it started with and resized it only after a full collection, so a
# 64 MB start kept eden at 17 MB through start-up and the first pass (a young pause every 25 ms of
# traffic). Starting at the cap gave a 77 MB eden from the first second and word count's first
# 800k words faster in eight interleaved pairs of eight; peak RSS stayed within the noise, since
# the heap reached its cap under traffic anyway.
wallaroo_heap_options() {
    local cores lanes prev arg
    cores=$(nproc 2>/dev/null || echo 2)
    lanes=$(( cores <= 2 ? 1 : cores ))   # the engine's default (DefaultLanes)
    prev=
    for arg in "$@"; do
        case "$prev" in --lanes|--ponythreads) lanes=$arg ;; esac
        case "$arg" in --lanes=*|--ponythreads=*) lanes=${arg#*=} ;; esac
        prev=$arg
    done
    case "$lanes" in ''|*[!0-9]*) lanes=2 ;; esac
    local cap=$((224 + 64 * lanes))
    # The collector: the user's choice (any -XX:+Use...GC in WALLAROO_JAVA_OPTS) replaces this one
    # rather than conflicting with it.
    local collector=-XX:+UseParallelGC opt user_opts
    read -ra user_opts <<< "${WALLAROO_JAVA_OPTS:-}"
    for opt in ${user_opts[@]+"${user_opts[@]}"}; do
        case "$opt" in -XX:+Use*GC) collector= ;; esac
    done
    case " ${WALLAROO_JAVA_OPTS:-} " in
        # The user's own cap wins; an initial size above a lower cap would stop the JVM, so the JVM
        # picks the initial size (at most the cap) then.
        *" -Xmx"*|*"MaxHeapSize="*) heap_opts=(${collector:+"$collector"} "-Xmx${cap}m" -XX:MetaspaceSize=128m) ;;
        *) heap_opts=(${collector:+"$collector"} "-Xms${cap}m" "-Xmx${cap}m" -XX:MetaspaceSize=128m) ;;
    esac
    # Native memory outside the heap: the JIT compilers' arenas peak at 80-100 MB during warm-up
    # and glibc keeps what they free, one malloc arena per thread that used it. Two arenas, and the
    # JVM handing freed memory back every 2 s (JDK 22+), took word count's peak RSS from 658-700 MB
    # to 548-622 MB with no measurable cost (docs/design.md). MALLOC_ARENA_MAX set by the user wins.
    local major
    major=$(_java_major "$JAVA_HOME/bin/java")
    [ "${major%%.*}" -ge 22 ] && heap_opts+=(-XX:TrimNativeHeapInterval=2000)
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
    wallaroo_jit_options
    heap_opts+=("${jit_opts[@]}")
}

# wallaroo_flink_heap_options ARGS...: the JVM of `scripts/wallaroo --engine flink`, which runs the
# embedded mini-cluster (or only loads the application and submits it to a cluster). Flink's own
# collector, G1, stays; the heap is capped at 384 MB plus 128 MB a task slot (--parallelism, else
# --worker-count, else 1), each slot's tasks being two interpreters. With the JVM's default cap (a
# quarter of the machine's memory) the heap grew to what it was allowed: word count's peak RSS
# was 1.4-1.6 GB at parallelism 1 and 1.5 GB at 2, against 0.86-0.88 and 0.81-0.85 GB capped, the
# rates within the runs' spread (docs/flink.md). An -Xmx in WALLAROO_JAVA_OPTS comes later and
# wins. The local engine's two malloc arenas and native trimming are left out: with them on top
# of the cap, two interleaved pairs took 2-4 s more CPU to ready.
wallaroo_flink_heap_options() {
    local parallelism= workers= prev= arg
    for arg in "$@"; do
        case "$prev" in --parallelism) parallelism=$arg ;; --worker-count) workers=$arg ;; esac
        case "$arg" in --parallelism=*) parallelism=${arg#*=} ;; --worker-count=*) workers=${arg#*=} ;; esac
        prev=$arg
    done
    local slots=${parallelism:-${workers:-1}}
    case "$slots" in ''|*[!0-9]*) slots=1 ;; esac
    heap_opts=("-Xmx$((384 + 128 * slots))m")
    wallaroo_jit_options
    heap_opts+=(${jit_opts[@]+"${jit_opts[@]}"})
}

# wallaroo_jit_options: sets jit_opts, how HotSpot compiles the JVM's own code in the local
# engine and the Flink runner (Python code is compiled by Truffle either way). Start-up is mostly
# the JVM running GraalPy and the Graal compiler cold, and C2 spent most of the CPU before ready on
# code that only start-up runs. So: C1 only for the Graal compiler, GraalPy's parser and GraalPy's bytecode
# interpreter loop (jit-directives.json, a HotSpot compiler-directives file, JSON without comments
# as HotSpot reads it: those are excluded from C2 and end at C1's optimized tier; the launcher's
# main applies it; C2 took 2.6 s on that one loop as traffic began, and Truffle's compiled code
# soon takes over from the interpreter anyway), and C2 only for methods about ten times hotter
# than its defaults, which the steady state's hot code reaches within a second or two while
# import-time code does not. Measured on 2 cores, word count, quiet machine (docs/design.md):
# ready after 10-11.5 s of CPU instead of 13.8-13.9 s, the first 2M words 1.2-1.4x faster, the
# same CPU per word once warm; leaving the interpreter loop to C1 as well, the first 800k words
# 1-46% faster in six pairs and the CPU to ready lower. WALLAROO_JIT_TIERS=default leaves
# HotSpot's defaults; WALLAROO_JIT_TIERS=quick stops at C1 (-XX:TieredStopAtLevel=1: no C2 and
# no profiling tier), for engines that restart often or must stay small: measured again with the
# start-up cache and niceness, ready about 0.7 s sooner, the cold rate 1.5-2x, peak RSS about
# 50 MB lower, but 17-23% less warm throughput (docs/design.md). Flags in WALLAROO_JAVA_OPTS come
# later and win. `wallaroo_jit_options flag` names the directives file with HotSpot's own flag
# instead, for JVMs whose main is not the launcher's (scripts/flink-local's task managers); the
# JVM then prints "1 compiler directives added" on its standard output, into their logs.
wallaroo_jit_options() {
    jit_opts=()
    case "${WALLAROO_JIT_TIERS:-tuned}" in
        default) return 0 ;;
        quick) jit_opts=(-XX:TieredStopAtLevel=1); return 0 ;;
        tuned) ;;
        *) echo "wallaroo: warning: WALLAROO_JIT_TIERS=${WALLAROO_JIT_TIERS} is not tuned, quick or default; using tuned" >&2 ;;
    esac
    local here directives src=${BASH_SOURCE[0]}
    case "$src" in */*) here=${src%/*} ;; *) here=. ;; esac
    here=$(cd "$here" && pwd)
    directives="$here/jit-directives.json"
    if [ -f "$directives" ] && [ "${1:-}" = flag ]; then
        jit_opts+=(-XX:+UnlockDiagnosticVMOptions "-XX:CompilerDirectivesFile=$directives")
    elif [ -f "$directives" ]; then
        jit_opts+=("-Dwallaroo.jit.directives=$directives")   # see JitDirectives.java
    fi
    jit_opts+=(-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000
               -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000)
}
