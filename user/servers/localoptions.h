/*
 * localoptions.h: Keel's choices for Dropbear (tools/dropbear.sh copies
 * this file into the build folder, where Dropbear's default_options.h
 * looks for it; every name here overrides the default of the same name).
 *
 * Keel's ssh server logs in with keys only: the initramfs has no
 * passwords (root's /etc/passwd entry says `x`, and musl's crypt() is
 * not used), so password login is off, and the key of root's
 * /root/.ssh/authorized_keys, made at build time, is the way in. There
 * is no sftp-server either: scp is Dropbear's own /usr/bin/scp, which
 * OpenSSH's `scp -O` (the original protocol) runs on the far end.
 */
#define DROPBEAR_SVR_PASSWORD_AUTH 0
#define DROPBEAR_CLI_PASSWORD_AUTH 0
#define DROPBEAR_SFTPSERVER 0
/* no message of the day: the first thing an ssh login prints is the
 * shell's prompt */
#define DO_MOTD 0
/* the client (dbclient) and scp's path to it */
#define DROPBEAR_PATH_SSH_PROGRAM "/usr/bin/dbclient"
/* the PATH a session's shell starts with: BusyBox's applet folders */
#define DEFAULT_PATH "/sbin:/usr/sbin:/bin:/usr/bin"
#define DEFAULT_ROOT_PATH "/sbin:/usr/sbin:/bin:/usr/bin"
