# Run in a new pid namespace with its own /proc (unshare --pid --fork --mount-proc),
# where every process can be inspected: starts users_fixture.py, prints its
# "ROLE PID" lines (pids as seen in here), then runs "$@" (an ipcs command line).
exec 3< <(exec /usr/bin/python3 "$(dirname "$0")/users_fixture.py")
while read -r line <&3; do
	[ "$line" = ready ] && break
	echo "$line"
done
[ "$line" = ready ] || exit 99
echo --
"$@"
