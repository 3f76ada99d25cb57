#!/usr/bin/env bash
# Jupyter for LakeBatch's notebooks: Debian's Jupyter (on /usr/bin/python3) and a Java kernel
# (rapaio-jupyter-kernel) whose classpath is this module's runtime jars. Nothing is installed into
# the user's home: the kernel spec and Jupyter's data, config and runtime folders live under
# notebooks/target/jupyter.
#   jupyter.sh ensure   print Jupyter's path, installing the Debian packages with apt-get when
#                       `/usr/bin/jupyter nbconvert --version` fails
#   jupyter.sh kernel   build the kernel's jars (mvn -o, this module only) unless built, install the
#                       kernel spec; print the environment that selects it (JUPYTER_PATH=...)
#   jupyter.sh start    ensure + kernel, then Jupyter Lab (or Notebook) on notebooks/, no browser;
#                       extra arguments go to Jupyter (e.g. --port 8899)
set -euo pipefail

JUPYTER=/usr/bin/jupyter
PACKAGES=(jupyter-nbconvert python3-nbclient python3-nbformat jupyter-client python3-ipykernel jupyter-core)
NOTEBOOKS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$NOTEBOOKS/.." && pwd)
TARGET="$NOTEBOOKS/target"
KERNEL_NAME=lakebatch-java
JUPYTER_DIR="$TARGET/jupyter"

die() { echo "jupyter.sh: $*" >&2; exit 1; }

has_jupyter() { [[ -x $JUPYTER ]] && "$JUPYTER" nbconvert --version >/dev/null 2>&1; }

ensure() {
  local sudo=()
  if ! has_jupyter; then
    command -v apt-get >/dev/null || die "$JUPYTER nbconvert does not run and there is no apt-get to install ${PACKAGES[*]}"
    if [[ $EUID -ne 0 ]]; then
      command -v sudo >/dev/null || die "$JUPYTER nbconvert does not run; install the packages ${PACKAGES[*]} (needs root)"
      sudo=(sudo -n)
    fi
    echo "jupyter.sh: installing ${PACKAGES[*]} with apt-get" >&2
    { "${sudo[@]}" apt-get update -q && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${PACKAGES[@]}"; } >&2 \
      || die "apt-get install ${PACKAGES[*]} failed"
    has_jupyter || die "${PACKAGES[*]} installed but '$JUPYTER nbconvert --version' still fails"
  fi
  echo "$JUPYTER"
}

# The environment every Jupyter command here runs with (printed by `kernel`, used by `start`).
jupyter_env() {
  echo "JUPYTER_PATH=$JUPYTER_DIR"
  echo "JUPYTER_DATA_DIR=$JUPYTER_DIR/data"
  echo "JUPYTER_CONFIG_DIR=$JUPYTER_DIR/config"
  echo "JUPYTER_RUNTIME_DIR=$JUPYTER_DIR/runtime"
}

java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    local java
    java=$(command -v java) || die "no java on PATH and JAVA_HOME unset"
    readlink -f "$java"
  fi
}

kernel() {
  local env_file="$TARGET/kernel/kernel.env"
  if [[ ! -f $env_file || ! -d $TARGET/kernel-lib ]]; then
    echo "jupyter.sh: building the kernel's classpath (mvn -o -pl notebooks generate-test-resources)" >&2
    (cd "$ROOT" && mvn -B -q -o -ntp -pl notebooks generate-test-resources) >&2 || die "building notebooks/target/kernel-lib failed"
  fi
  # shellcheck source=/dev/null
  . "$env_file"
  [[ -f $KERNEL_JAR ]] || die "no kernel jar at $KERNEL_JAR"
  local spec_dir="$JUPYTER_DIR/kernels/$KERNEL_NAME"
  mkdir -p "$spec_dir" "$JUPYTER_DIR/data" "$JUPYTER_DIR/config" "$JUPYTER_DIR/runtime"
  # the template's placeholders, filled in; @SPARK_MODULE_FLAGS@ becomes one argument per flag
  JAVA_BIN=$(java_bin) KERNEL_JAR="$KERNEL_JAR" KERNEL_LIB="$KERNEL_LIB" SPARK_MODULE_FLAGS="$SPARK_MODULE_FLAGS" \
    KERNEL_MEMORY="${LAKEBATCH_KERNEL_MEMORY:-2g}" LOG4J2_CONFIG="$ROOT/conf/log4j2.properties" \
    /usr/bin/python3 - "$NOTEBOOKS/kernel/kernel.json" "$spec_dir/kernel.json" <<'PY'
import json, os, sys
names = ["JAVA", "KERNEL_JAR", "KERNEL_LIB", "KERNEL_MEMORY", "LOG4J2_CONFIG"]
def fill(text):
    for name in names:
        text = text.replace("@" + name + "@", os.environ[name if name != "JAVA" else "JAVA_BIN"])
    return text
spec = json.load(open(sys.argv[1]))
argv = []
for arg in spec["argv"]:
    argv.extend(os.environ["SPARK_MODULE_FLAGS"].split() if arg == "@SPARK_MODULE_FLAGS@" else [fill(arg)])
spec["argv"] = argv
spec["env"] = {key: fill(value) for key, value in spec["env"].items()}
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
  jupyter_env
}

start() {
  ensure >/dev/null
  local line
  while read -r line; do export "${line?}"; done < <(kernel)
  local app=notebook
  if "$JUPYTER" lab --version >/dev/null 2>&1; then
    app=lab
  elif ! "$JUPYTER" notebook --version >/dev/null 2>&1; then
    die "neither 'jupyter lab' nor 'jupyter notebook' is installed (apt-get install jupyter-notebook); headless runs work without them: jupyter nbconvert --execute --ExecutePreprocessor.kernel_name=$KERNEL_NAME"
  fi
  echo "jupyter.sh: jupyter $app on $NOTEBOOKS, kernel '$KERNEL_NAME' ($JUPYTER_PATH)" >&2
  exec "$JUPYTER" "$app" --no-browser --notebook-dir="$NOTEBOOKS" "$@"
}

case "${1:-}" in
  ensure) ensure ;;
  kernel) kernel ;;
  start) shift; start "$@" ;;
  *) die "usage: jupyter.sh ensure | kernel | start [jupyter options]" ;;
esac
