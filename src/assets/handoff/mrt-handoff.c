/*
 * mrt-handoff: the first process of a warm container. mrt starts the container
 * before its job exists; this waits for the job on stdin, then execs it, so the
 * job becomes the container's process itself (same pid, exit status, signals)
 * exactly as if runc had started it.
 *
 * Protocol (mrt's WarmHandOff writes it, mcpclient-runner.py --warm reads it too):
 *   1. write "mrt-ready\n" on stdout: namespaces, mounts and limits are in place;
 *   2. read from stdin "<length>\n" then <length> bytes of NUL-terminated fields:
 *      cwd, argc, argc arguments, then KEY=VALUE environment entries;
 *   3. chdir, look argv[0] up on the job's PATH as runc does, execve.
 * Nothing past the hand-off is read: the rest of stdin is the job's own input.
 * End of input before a whole hand-off means mrt discarded the container: exit 0.
 *
 * When the job cannot be started (no working directory, no such command, cannot
 * execute), no job code has run: the helper says so on stdout, before anything of
 * the job's, as NUL "mrt-handoff-exec-failed " $MRT_HANDOFF_NONCE " " reason, and
 * exits 127. The nonce is in the helper's own environment only (config.json), so a
 * job cannot fake the line; mrt then starts the task afresh, which reports the
 * failure exactly as a container made for the task would.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HANDOFF (16 * 1024 * 1024)

static const char *nonce;

static void die(int status, const char *what, const char *arg) {
  dprintf(2, "mrt-handoff: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
  _exit(status);
}

/* The job could not be started: tell mrt (see above), then end as a shell would. */
static void not_started(int status, const char *what, const char *arg) {
  if (nonce) dprintf(1, "%cmrt-handoff-exec-failed %s %s: %s\n", 0, nonce, what, arg);
  die(status, what, arg);
}

static int read_full(char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(0, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

/* The header one byte at a time, so not a byte of the job's input is taken. */
static long read_length(void) {
  long len = 0;
  int digits = 0;
  for (;;) {
    char c;
    ssize_t r = read(0, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (digits == 0) _exit(0); /* discarded before any job came */
      die(1, "hand-off ended inside its header", NULL);
    }
    if (c == '\n' && digits > 0) return len;
    if (c < '0' || c > '9' || ++digits > 9) die(1, "bad hand-off header", NULL);
    len = len * 10 + (c - '0');
  }
}

/* runc makes a missing working directory before it starts the process; so do we. */
static int mkdir_p(const char *dir) {
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) return -1;
  for (char *p = path + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(path, 0755) != 0 && errno != EEXIST) return -1;
      if (c == '\0') return 0;
      *p = c;
    }
  }
}

static int executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int main(void) {
  nonce = getenv("MRT_HANDOFF_NONCE");
  if (write(1, "mrt-ready\n", 10) != 10) die(1, "cannot signal readiness", strerror(errno));
  long len = read_length();
  if (len > MAX_HANDOFF) die(1, "hand-off too large", NULL);
  char *buf = malloc((size_t)len + 1);
  if (!buf) die(1, "out of memory", NULL);
  if (read_full(buf, (size_t)len) != 0) die(1, "hand-off ended early", NULL);
  if (len == 0 || buf[len - 1] != '\0') die(1, "hand-off does not end its last field", NULL);
  buf[len] = '\0';

  /* Fields: cwd, argc, the arguments, then the environment; each ends with NUL. */
  size_t fields = 0;
  for (long i = 0; i < len; i++) fields += buf[i] == '\0';
  char **field = calloc(fields + 1, sizeof *field);
  if (!field) die(1, "out of memory", NULL);
  char *p = buf;
  for (size_t i = 0; i < fields; i++, p += strlen(p) + 1) field[i] = p;
  if (fields < 3) die(1, "hand-off has no command", NULL);
  const char *cwd = field[0];
  char *end;
  long argc = strtol(field[1], &end, 10);
  if (*end || argc < 1 || (size_t)argc > fields - 2) die(1, "bad argument count", field[1]);
  size_t envc = fields - 2 - (size_t)argc;
  char **argv = calloc((size_t)argc + 1, sizeof *argv);
  char **env = calloc(envc + 1, sizeof *env);
  if (!argv || !env) die(1, "out of memory", NULL);
  memcpy(argv, field + 2, (size_t)argc * sizeof *argv);
  memcpy(env, field + 2 + argc, envc * sizeof *env);

  if (chdir(cwd) != 0 && (errno != ENOENT || mkdir_p(cwd) != 0 || chdir(cwd) != 0))
    not_started(127, "cannot enter the working directory", cwd);

  const char *cmd = argv[0];
  if (strchr(cmd, '/')) {
    execve(cmd, argv, env);
    not_started(errno == ENOENT ? 127 : 126, strerror(errno), cmd);
  }
  const char *path = "";
  for (size_t i = 0; i < envc; i++)
    if (strncmp(env[i], "PATH=", 5) == 0) path = env[i] + 5; /* the last one wins, as in Go */
  char candidate[PATH_MAX];
  for (const char *dir = path, *colon;; dir = colon + 1) {
    colon = strchr(dir, ':');
    size_t n = colon ? (size_t)(colon - dir) : strlen(dir);
    int w = n == 0 ? snprintf(candidate, sizeof candidate, "./%s", cmd)
                   : snprintf(candidate, sizeof candidate, "%.*s/%s", (int)n, dir, cmd);
    if (w > 0 && (size_t)w < sizeof candidate && executable(candidate)) {
      execve(candidate, argv, env);
      not_started(126, strerror(errno), candidate);
    }
    if (!colon) break;
  }
  not_started(127, "executable file not found in $PATH", cmd);
}
