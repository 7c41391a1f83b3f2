# Shared by the instructor demos (chapters/NN-slug/demo.sh); source it.
#
# pause "text": show what the next step will point out, then wait for
# Enter when a person is watching (standard input is a terminal), so the
# same script also runs unattended.

cd "$(dirname "${BASH_SOURCE[1]}")/../.." || exit 1

pause() {
    echo
    echo "---- $1"
    if [ -t 0 ]; then
        read -r -p "[Enter] " _
    fi
}
