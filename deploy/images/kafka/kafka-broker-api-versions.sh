#!/bin/bash
# Stand-in for the official script's use in a healthcheck: succeeds once the broker port accepts.
hostport="${2:-localhost:9092}"
exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}"
