# Finds a JDK 21 or newer for HardLight's build and demo; sourced by ./mvnw and ./hardlight (POSIX sh).
# Sets HL_JAVA_HOME, exports JAVA<major>_HOME (read by maven-toolchains-plugin's JDK discovery), and
# sets JAVA_HOME to it when no java is installed at all (so Maven itself can start).
# Looks at JAVA_HOME, the java on the PATH, then the usual install folders.

hl_jdk_major() {
    # The major version of the JDK in $1, from its 'release' file; empty if it is not a JDK.
    [ -x "$1/bin/javac" ] && [ -f "$1/release" ] || return 0
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
}

hl_find_jdk() {
    hl_candidates=""
    [ -n "${JAVA_HOME:-}" ] && hl_candidates="$JAVA_HOME"
    if command -v java >/dev/null 2>&1; then
        hl_java=$(command -v java)
        hl_real=$(readlink -f "$hl_java" 2>/dev/null || echo "$hl_java")
        hl_candidates="$hl_candidates $(dirname "$(dirname "$hl_real")")"
    fi
    for hl_dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* /usr/java/* \
                  "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$hl_dir" ] && hl_candidates="$hl_candidates $hl_dir"
    done
    HL_JAVA_HOME=""
    hl_best=0
    for hl_dir in $hl_candidates; do
        hl_major=$(hl_jdk_major "$hl_dir")
        [ -n "$hl_major" ] || continue
        if [ "$hl_major" -ge 21 ] && [ "$hl_major" -gt "$hl_best" ]; then
            HL_JAVA_HOME="$hl_dir"
            hl_best="$hl_major"
        fi
    done
    if [ -z "$HL_JAVA_HOME" ]; then
        echo "HardLight needs a JDK 21 or newer and found none: install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) or set JAVA_HOME to it." >&2
        return 1
    fi
    eval "export JAVA${hl_best}_HOME=\"\$HL_JAVA_HOME\""
    if [ -z "${JAVA_HOME:-}" ] && ! command -v java >/dev/null 2>&1; then
        export JAVA_HOME="$HL_JAVA_HOME"
    fi
    return 0
}

# ./mvnw runs with 'set -f' (no globbing): allow it while searching, then restore.
case $- in *f*) hl_glob_off=1; set +f ;; *) hl_glob_off=0 ;; esac
hl_find_jdk || exit 1
if [ "$hl_glob_off" = 1 ]; then set -f; fi
