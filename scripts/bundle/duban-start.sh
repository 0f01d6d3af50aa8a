#!/bin/sh
# `duban-start` in the offline bundle: checks the system (glibc), reads the env file, then runs the bundle's own Node on
# bin/start.js. Works from any folder and through a symlink (e.g. /usr/local/bin/duban-start → the bundle's bin/duban-start).
set -eu
self=$0
case $self in */*) ;; *) self=./$self ;; esac
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
root=$(cd -P "${self%/*}/.." && pwd)
. "$root/bin/preflight.sh"
exec "$root/node/bin/node" "$root/bin/start.js" "$@"
