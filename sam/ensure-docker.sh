#!/usr/bin/env bash
# Makes `docker` usable on this machine, for `sam local` and the tests that need containers:
# installs Debian's docker.io (the daemon and a client) when there is no daemon binary, and
# starts the daemon in the background when `docker info` does not answer, then waits for it.
# Quiet when docker already works; otherwise one line saying what it did. Needs root or sudo.
set -euo pipefail

log=${DOCKERD_LOG:-/var/log/dockerd.log}
wait_seconds=${DOCKERD_WAIT_SECONDS:-60}

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if docker_answers; then
  exit 0
fi

dockerd_path() { command -v dockerd 2>/dev/null || { [ -x /usr/sbin/dockerd ] && echo /usr/sbin/dockerd; } || true; }

did=()
if ! command -v docker >/dev/null 2>&1 || [ -z "$(dockerd_path)" ]; then
  command -v apt-get >/dev/null 2>&1 || { echo "ensure-docker: no docker and no apt-get to install docker.io" >&2; exit 1; }
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq docker.io >/dev/null
  did+=("installed docker.io")
fi

if ! "${as_root[@]}" docker info >/dev/null 2>&1; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    "${as_root[@]}" systemctl start docker
  else
    dockerd=$(dockerd_path)
    # setsid + nohup: the daemon outlives this script, make and the CI step that started it.
    "${as_root[@]}" sh -c "setsid nohup '$dockerd' >>'$log' 2>&1 </dev/null &"
  fi
  did+=("started dockerd (log: $log)")
  for _ in $(seq 1 "$wait_seconds"); do
    "${as_root[@]}" docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! "${as_root[@]}" docker info >/dev/null 2>&1; then
    echo "ensure-docker: dockerd did not answer within ${wait_seconds}s; last lines of $log:" >&2
    "${as_root[@]}" tail -n 20 "$log" >&2 || true
    exit 1
  fi
fi

if ! docker info >/dev/null 2>&1; then
  echo "ensure-docker: the daemon runs, but $(id -un) cannot reach /var/run/docker.sock (add the user to the 'docker' group)" >&2
  exit 1
fi

summary=$(printf '%s, ' "${did[@]}")
echo "ensure-docker: ${summary%, }"
