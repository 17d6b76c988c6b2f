#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The xvio test guest's command agent (/sbin/xvio-agent TTY), run by busybox
# init (see init.sh).
#
# Reads one request per line:  ID TIMEOUT BASE64(shell script)
# runs the script with sh (stdin /dev/null, stderr into stdout, killed after
# TIMEOUT seconds) and answers
#   @@XVIO-BEGIN ID
#   <output, ending in a newline>
#   @@XVIO-END ID RC
# It prints "@@XVIO-READY" once it listens.
tty=${1:-/dev/ttyS1}
stty -F "$tty" raw -echo 2>/dev/null
exec <"$tty" >"$tty" 2>&1
echo "@@XVIO-READY"
while true; do
	read -r id limit b64 || { sleep 1; continue; }
	[ -n "$b64" ] || continue
	echo "$b64" | base64 -d >/tmp/.cmd
	timeout -s KILL "$limit" sh /tmp/.cmd </dev/null >/tmp/.out 2>&1
	rc=$?
	echo "@@XVIO-BEGIN $id"
	cat /tmp/.out
	[ -s /tmp/.out ] && [ -n "$(tail -c 1 /tmp/.out)" ] && echo
	echo "@@XVIO-END $id $rc"
done
