# Keel's development container: Debian 12 with everything `make run` and
# `make grade` need, for students on macOS, Windows or another Linux.
# QEMU runs without KVM here (TCG): slower, but the same results.
#
#   docker build -t keel .                      (or podman build)
#   docker run --rm -it -v "$PWD":/keel keel make run
#   docker run --rm -v "$PWD":/keel keel make grade CHAPTER=1
#
# The repository is mounted at /keel, not copied: edits on the host are
# what the container builds. BASE is Debian 12; a machine without access
# to Docker Hub can give its own (a debootstrap root imported with
# `podman import`: see INSTRUCTORS.md).
ARG BASE=debian:12
FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -q && apt-get install -y -q make git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# what `make deps` installs and fetches, kept in the image: the packages,
# and Debian's source packages (BusyBox, lwIP, Dropbear, curl, nginx) in
# /root/.cache/keel
COPY tools/deps.sh /tmp/keel-deps/tools/deps.sh
RUN bash /tmp/keel-deps/tools/deps.sh && rm -rf /tmp/keel-deps \
    && rm -rf /var/lib/apt/lists/*
# the mounted tree may belong to another user than the container's
RUN git config --system --add safe.directory /keel
WORKDIR /keel
CMD ["bash"]
