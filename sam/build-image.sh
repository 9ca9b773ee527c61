#!/usr/bin/env bash
# Builds the Lambda python3.12 x86_64 base image that `sam local invoke --skip-pull-image` looks
# for (public.ecr.aws/lambda/python:3.12-x86_64) from what this machine can reach: Debian's
# packages (debootstrap), the machine's own Python 3.12 and the Runtime Interface Client from PyPI
# (sam/image-requirements.txt). Never pulls an image. See sam/README.md for what differs from the
# real image.
#
# Does nothing when the image is present and labelled with the hash of this build's inputs; leaves
# an image without that label alone (a real image someone pulled). Prints one line.
#
#   LAMBDA_PYTHON=/path/to/python3.12   the runtime's Python (default: pyenv's newest 3.12, then python3.12)
#   SAM_IMAGE_MIRROR=http://...          the Debian mirror (default: the one apt uses for <codename>/main)
#   SAM_IMAGE_FORCE=1                    rebuild even when up to date (never replaces a pulled image)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${SAM_IMAGE_CACHE:-$repo/.cache/sam-image}
tag=public.ecr.aws/lambda/python:3.12-x86_64
label_key=local.sam-image.inputs-sha256
requirements=$here/image-requirements.txt
# What the rootfs needs beyond minbase: the shared libraries of the runtime Python's standard
# extension modules (ssl, ctypes, sqlite3, readline, curses, uuid, nis ...), CA certificates and
# time zones. tkinter (X11, Tcl/Tk) is left out, as in the real image.
packages=ca-certificates,tzdata,libssl3,libffi8,libsqlite3-0,libbz2-1.0,liblzma5,zlib1g,libuuid1,libncursesw6,libtinfo6,libreadline8,libexpat1,libcrypt1,libnsl2,libtirpc3,libgssapi-krb5-2

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

mkdir -p "$cache"
log=$cache/build.log
fail() {
  echo "sam-image: $*" >&2
  [ -s "$log" ] && { echo "--- last lines of $log:" >&2; tail -n 25 "$log" >&2; }
  exit 1
}

# One build at a time (make -j, CI and a developer's shell share the cache and the tag).
exec 9>"$cache/lock"
flock 9

bash "$here/ensure-docker.sh" >&2

# --- inputs -------------------------------------------------------------------------------------
python=${LAMBDA_PYTHON:-}
if [ -z "$python" ]; then
  for candidate in $(ls -d "$HOME"/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | sort -rV) $(command -v python3.12 || true); do
    "$candidate" -c pass 2>/dev/null && { python=$candidate; break; }
  done
fi
[ -n "$python" ] || fail "no python3.12 found (set LAMBDA_PYTHON)"
read -r python_version python_prefix < <("$python" -c 'import sys; print(".".join(map(str, sys.version_info[:3])), sys.base_prefix)')
case $python_version in 3.12.*) ;; *) fail "$python is Python $python_version, the runtime is python3.12" ;; esac
case $python_prefix in /usr | /usr/local | /) fail "$python lives in $python_prefix; a self-contained build (pyenv) is needed" ;; esac
python_build=$("$python" -c 'import sys; print(sys.version)')

[ "$(uname -m)" = x86_64 ] || fail "this machine is $(uname -m); the image is x86_64"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || fail "no VERSION_CODENAME in /etc/os-release (Debian needed)"

inputs_hash=$(
  {
    cat "$here/build-image.sh" "$requirements"
    echo "$python_build $python_prefix $codename"
  } | sha256sum | cut -c1-64
)

# --- already there? -----------------------------------------------------------------------------
if docker image inspect "$tag" >/dev/null 2>&1; then
  present=$(docker image inspect -f "{{range \$k, \$v := .Config.Labels}}{{if eq \$k \"$label_key\"}}{{\$v}}{{end}}{{end}}" "$tag")
  if [ -z "$present" ]; then
    echo "sam-image: $tag is present without our label (a pulled image): used as it is"
    exit 0
  fi
  if [ "$present" = "$inputs_hash" ] && [ "${SAM_IMAGE_FORCE:-0}" != 1 ]; then
    echo "sam-image: $tag is up to date (inputs ${inputs_hash:0:12})"
    exit 0
  fi
fi

started=$(date +%s)
: >"$log"

# --- Debian root file system (cached) -----------------------------------------------------------
mirror=${SAM_IMAGE_MIRROR:-}
if [ -z "$mirror" ]; then
  # The mirror apt itself uses for <codename>/main (deb822 or one-line sources alike).
  mirror=$(apt-cache policy 2>/dev/null | awk -v suite="$codename/main" '$3 == suite && $4 == "amd64" { print $2; exit }')
fi
[ -n "$mirror" ] || fail "no Debian mirror for $codename/main in apt's sources (set SAM_IMAGE_MIRROR)"

rootfs_key=$(echo "$codename $packages" | sha256sum | cut -c1-12)
rootfs=$cache/rootfs-$codename-$rootfs_key
rootfs_note="cached rootfs"
if [ ! -f "$rootfs/.complete" ]; then
  rootfs_note="new rootfs"
  if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ]; then
    { "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq debootstrap; } >>"$log" 2>&1 ||
      fail "could not install debootstrap"
  fi
  "${as_root[@]}" rm -rf "$rootfs.partial"
  "${as_root[@]}" env PATH="$PATH:/usr/sbin:/sbin" debootstrap --variant=minbase --arch=amd64 --include="$packages" \
    "$codename" "$rootfs.partial" "$mirror" >>"$log" 2>&1 || fail "debootstrap $codename from $mirror failed"
  # Nothing an image needs: apt's downloaded packages and lists, documentation.
  "${as_root[@]}" sh -c "rm -rf '$rootfs.partial'/var/cache/apt/archives/*.deb '$rootfs.partial'/var/lib/apt/lists/* \
    '$rootfs.partial'/usr/share/doc/* '$rootfs.partial'/usr/share/man/* '$rootfs.partial'/usr/share/info/*"
  "${as_root[@]}" chmod 0755 "$rootfs.partial/root" # the runtime's Python is copied under it
  "${as_root[@]}" rm -rf "$rootfs"
  "${as_root[@]}" mv "$rootfs.partial" "$rootfs"
  "${as_root[@]}" touch "$rootfs/.complete"
fi

# --- /var/runtime: the Runtime Interface Client and the SDK (cached by requirements and Python) ---
runtime_key=$( { cat "$requirements"; echo "$python_build"; } | sha256sum | cut -c1-12)
runtime=$cache/runtime-$runtime_key
if [ ! -f "$runtime/.complete" ]; then
  rm -rf "$runtime.partial"
  "$python" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --target "$runtime.partial" --requirement "$requirements" >>"$log" 2>&1 || fail "pip install of $requirements failed"
  rm -rf "$runtime.partial/bin"
  rm -rf "$runtime"
  mv "$runtime.partial" "$runtime"
  touch "$runtime/.complete"
fi

# --- the image tree: the rootfs (hard links) plus new paths only --------------------------------
tree=$cache/tree
"${as_root[@]}" rm -rf "$tree"
"${as_root[@]}" cp -al "$rootfs" "$tree"
"${as_root[@]}" rm -f "$tree/.complete"
cleanup() { "${as_root[@]}" rm -rf "$tree"; }
trap cleanup EXIT

# The runtime's Python at the same path as on this machine (its rpath and prefix are absolute),
# without its site-packages, tests, IDLE and Tk.
"${as_root[@]}" mkdir -p "$tree$python_prefix"
tar -C "$python_prefix" --anchored \
  --exclude=./lib/python3.12/site-packages/* --exclude=./lib/python3.12/test \
  --exclude=./lib/python3.12/idlelib --exclude=./lib/python3.12/tkinter --exclude=./lib/python3.12/turtledemo \
  --exclude=./lib/python3.12/lib-dynload/_tkinter* --exclude=./lib/python3.12/config-3.12-*/*.a --exclude=./share \
  -cf - . | "${as_root[@]}" tar -C "$tree$python_prefix" --no-same-owner -xf -
"${as_root[@]}" mkdir -p "$tree/var/lang/bin" "$tree/var/lang/lib" "$tree/var/task" "$tree/opt" "$tree/var/runtime"
"${as_root[@]}" ln -s "$python_prefix/bin/python3.12" "$tree/var/lang/bin/python3.12"
"${as_root[@]}" ln -s python3.12 "$tree/var/lang/bin/python3"
"${as_root[@]}" ln -s python3.12 "$tree/var/lang/bin/python"
"${as_root[@]}" cp -a "$runtime/." "$tree/var/runtime/"
"${as_root[@]}" rm -f "$tree/var/runtime/.complete"

# /var/runtime/bootstrap: what the Runtime Interface Emulator starts (SAM CLI's
# /var/rapid/aws-lambda-rie runs it, with _HANDLER set from the function's Handler).
"${as_root[@]}" tee "$tree/var/runtime/bootstrap" >/dev/null <<'EOF'
#!/bin/sh
# The python3.12 runtime of the locally built image (sam/build-image.sh).
export AWS_EXECUTION_ENV=AWS_Lambda_python3.12
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}/var/task:/opt/python/lib/python3.12/site-packages:/opt/python:/var/runtime"
if [ -n "${AWS_LAMBDA_EXEC_WRAPPER:-}" ]; then
  exec "$AWS_LAMBDA_EXEC_WRAPPER" /var/lang/bin/python3.12 -m awslambdaric "$_HANDLER"
fi
exec /var/lang/bin/python3.12 -m awslambdaric "$_HANDLER"
EOF
# bootstrap.py: what `sam local invoke --debug-port` runs under the debugger, as in the real image.
"${as_root[@]}" tee "$tree/var/runtime/bootstrap.py" >/dev/null <<'EOF'
"""The python3.12 runtime's entry point under a debugger (sam local invoke --debug-port)."""

import os
import sys

for path in reversed(("/var/task", "/opt/python/lib/python3.12/site-packages", "/opt/python")):
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ.setdefault("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12")

from awslambdaric.__main__ import main  # noqa: E402

main([sys.argv[0], os.environ["_HANDLER"]])
EOF
# The real image's entrypoint: `docker run <image> app.handler` with an emulator, else the runtime.
"${as_root[@]}" tee "$tree/lambda-entrypoint.sh" >/dev/null <<'EOF'
#!/bin/sh
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
RUNTIME_ENTRYPOINT=/var/runtime/bootstrap
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  if [ ! -x /usr/local/bin/aws-lambda-rie ]; then
    echo "no /usr/local/bin/aws-lambda-rie in this locally built image: run it with sam local, or mount one" 1>&2
    exit 142
  fi
  exec /usr/local/bin/aws-lambda-rie "$RUNTIME_ENTRYPOINT"
fi
exec "$RUNTIME_ENTRYPOINT"
EOF
"${as_root[@]}" chmod 0755 "$tree/var/runtime/bootstrap" "$tree/lambda-entrypoint.sh"
"${as_root[@]}" chown -R 0:0 "$tree$python_prefix" "$tree/var/lang" "$tree/var/runtime" "$tree/var/task" "$tree/lambda-entrypoint.sh"

# --- import -------------------------------------------------------------------------------------
old_id=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
"${as_root[@]}" tar -C "$tree" --numeric-owner -cf - . | docker import \
  --change "ENV LANG=C.UTF-8" \
  --change "ENV TZ=:/etc/localtime" \
  --change "ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin" \
  --change "ENV LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib" \
  --change "ENV LAMBDA_TASK_ROOT=/var/task" \
  --change "ENV LAMBDA_RUNTIME_DIR=/var/runtime" \
  --change "WORKDIR /var/task" \
  --change 'ENTRYPOINT ["/lambda-entrypoint.sh"]' \
  --change "LABEL $label_key=$inputs_hash" \
  --change "LABEL local.sam-image.python=$python_version local.sam-image.base=debian-$codename" \
  --message "sam/build-image.sh: Debian $codename, Python $python_version ($python_prefix), $(grep -m1 '^awslambdaric==' "$requirements")" \
  - "$tag" >>"$log" 2>&1 || fail "docker import failed"

# The runtime must start: its Python, the standard library's extension modules, the RIC and the SDK.
docker run --rm --network none --entrypoint /bin/sh "$tag" -c '
  missing=$(for so in '"$python_prefix"'/lib/python3.12/lib-dynload/*.so; do ldd "$so" | grep "not found"; done | sort -u)
  [ -z "$missing" ] || { echo "missing libraries: $missing"; exit 1; }
  PYTHONPATH=/var/runtime exec python3 -c "import ssl, ctypes, sqlite3, lzma, bz2, zlib, uuid, decimal, readline, zoneinfo, json; zoneinfo.ZoneInfo(\"Europe/Paris\"); import awslambdaric.bootstrap, runtime_client, boto3"
' >>"$log" 2>&1 || fail "the built image does not start its runtime"

new_id=$(docker image inspect -f '{{.Id}}' "$tag")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  docker image rm "$old_id" >/dev/null 2>&1 || true # still used by a samcli/lambda-python image: kept
fi

size=$(docker image inspect -f '{{.Size}}' "$tag")
echo "sam-image: built $tag (Debian $codename, Python $python_version, $(grep -m1 '^awslambdaric==' "$requirements"), $((size / 1000000)) MB, $rootfs_note) in $(($(date +%s) - started))s"
