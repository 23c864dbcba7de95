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
 *
 * Seccomp: runc compiles a container's filter with libseccomp each time it starts
 * one (most of its CPU for a short job). For a warm container mrt compiles the
 * filter once instead, with this very binary on the host (--compile-seccomp, from
 * the rules SeccompRules writes, built with the same libseccomp calls runc makes),
 * and leaves it out of the container's config.json. The helper, started with
 * no_new_privs as runc leaves it, reads the compiled filter named by
 * $MRT_HANDOFF_SECCOMP and loads it after the command is found, just before execve,
 * where runc loads it: the job runs under the same filter either way. A filter that
 * will not load is a job not started, so mrt runs it afresh under runc's own.
 *
 * A container made for its job (not warm) skips runc's compile the same way:
 * "mrt-handoff --exec FILTER CMD [ARG]..." is its process. runc has set the job's
 * working directory and environment already; the helper loads FILTER and execs CMD,
 * looked up on the job's PATH, in its place. Nothing of the helper's stays in the
 * job's argv or environment.
 *
 * On the host, "mrt-handoff --unpack DIR" unpacks the default root filesystem on a
 * first use (unpack.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unpack.h"

#define MAX_HANDOFF (16 * 1024 * 1024)
#define MAX_FILTER (BPF_MAXINSNS * sizeof(struct sock_filter))

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

/* --------------------------------------------------------------- seccomp */

/* "ALLOW", "ERRNO 1", ... as SeccompRules writes them: libseccomp's action. */
static int action(const char *name, const char *ret, uint32_t *out) {
  long r = strtol(ret, NULL, 10);
  if (!strcmp(name, "ALLOW")) *out = SCMP_ACT_ALLOW;
  else if (!strcmp(name, "ERRNO")) *out = SCMP_ACT_ERRNO((uint16_t)r);
  else if (!strcmp(name, "TRACE")) *out = SCMP_ACT_TRACE((uint16_t)r);
  else if (!strcmp(name, "KILL_THREAD")) *out = SCMP_ACT_KILL;
  else if (!strcmp(name, "KILL_PROCESS")) *out = SCMP_ACT_KILL_PROCESS;
  else if (!strcmp(name, "TRAP")) *out = SCMP_ACT_TRAP;
  else if (!strcmp(name, "LOG")) *out = SCMP_ACT_LOG;
  else return -1;
  return 0;
}

static int operator(const char *name, enum scmp_compare *out) {
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
      {"NE", SCMP_CMP_NE}, {"LT", SCMP_CMP_LT}, {"LE", SCMP_CMP_LE}, {"EQ", SCMP_CMP_EQ},
      {"GE", SCMP_CMP_GE}, {"GT", SCMP_CMP_GT}, {"MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
    if (!strcmp(name, ops[i].name)) { *out = ops[i].op; return 0; }
  return -1;
}

/*
 * Reads rules on stdin, one per line ("default ACTION RET", "arch NAME", "optimize N",
 * "rule ACTION RET SYSCALL [INDEX OP VALUE VALUE2]..."), and writes the filter as BPF on
 * stdout. A syscall this libseccomp does not know is skipped, as runc skips it.
 */
static int compile_seccomp(void) {
  char line[4096];
  scmp_filter_ctx ctx = NULL;
  for (int n = 1; fgets(line, sizeof line, stdin); n++) {
    char *save, *word[4 + 4 * 6];
    int words = 0;
    for (char *w = strtok_r(line, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
      if (words == (int)(sizeof word / sizeof *word)) die(2, "seccomp rule has too many words", NULL);
      word[words++] = w;
    }
    if (words == 0) continue;
    uint32_t act;
    int rc = 0;
    if (!strcmp(word[0], "default") && words == 3 && !ctx) {
      if (action(word[1], word[2], &act) != 0) die(2, "unknown seccomp action", word[1]);
      if (!(ctx = seccomp_init(act))) die(2, "seccomp_init failed", NULL);
    } else if (!ctx) {
      die(2, "seccomp rules must begin with their default action", NULL);
    } else if (!strcmp(word[0], "arch") && words == 2) {
      uint32_t arch = seccomp_arch_resolve_name(word[1]);
      if (arch == 0) die(2, "unknown seccomp architecture", word[1]);
      rc = seccomp_arch_add(ctx, arch);
      if (rc == -EEXIST) rc = 0; /* the native one is there from seccomp_init */
    } else if (!strcmp(word[0], "optimize") && words == 2) {
      rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)atoi(word[1]));
    } else if (!strcmp(word[0], "rule") && words >= 4 && (words - 4) % 4 == 0) {
      if (action(word[1], word[2], &act) != 0) die(2, "unknown seccomp action", word[1]);
      int nr = seccomp_syscall_resolve_name(word[3]);
      if (nr == __NR_SCMP_ERROR) continue;
      struct scmp_arg_cmp cmp[6];
      unsigned count = (unsigned)(words - 4) / 4;
      for (unsigned i = 0; i < count; i++) {
        char **c = word + 4 + 4 * i;
        cmp[i].arg = (unsigned)atoi(c[0]);
        if (operator(c[1], &cmp[i].op) != 0) die(2, "unknown seccomp operator", c[1]);
        cmp[i].datum_a = strtoull(c[2], NULL, 10);
        cmp[i].datum_b = strtoull(c[3], NULL, 10);
      }
      rc = seccomp_rule_add_array(ctx, act, nr, count, cmp);
    } else {
      dprintf(2, "mrt-handoff: bad seccomp rule on line %d\n", n);
      _exit(2);
    }
    if (rc != 0) {
      dprintf(2, "mrt-handoff: libseccomp refused line %d: %s\n", n, strerror(-rc));
      _exit(2);
    }
  }
  if (!ctx) die(2, "no seccomp rules on stdin", NULL);
  int rc = seccomp_export_bpf(ctx, 1);
  if (rc != 0) die(2, "cannot write the filter", strerror(-rc));
  seccomp_release(ctx);
  return 0;
}

static struct sock_fprog filter; /* empty unless $MRT_HANDOFF_SECCOMP names one */

/* At start, so a filter that cannot be read fails the warm container, not a job. */
static void read_filter(const char *path) {
  static struct sock_filter insns[BPF_MAXINSNS + 1];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(1, "cannot open the seccomp filter", path);
  size_t got = 0;
  while (got < sizeof insns) {
    ssize_t r = read(fd, (char *)insns + got, sizeof insns - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die(1, "cannot read the seccomp filter", path);
    if (r == 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (got == 0 || got > MAX_FILTER || got % sizeof *insns != 0)
    die(1, "the seccomp filter is not a BPF program", path);
  filter.len = (unsigned short)(got / sizeof *insns);
  filter.filter = insns;
}

/* The last step before execve, as in runc; needs the no_new_privs runc set. */
static void confine(void) {
  if (filter.len && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter, 0, 0) != 0)
    not_started(126, "cannot load the seccomp filter", strerror(errno));
  filter.len = 0;
}

/* ------------------------------------------------------------------ main */

/* Looks argv[0] up on the PATH in env as runc does, loads the filter, execs: never returns. */
static void exec_job(char **argv, char **env) {
  const char *cmd = argv[0];
  if (strchr(cmd, '/')) {
    confine();
    execve(cmd, argv, env);
    not_started(errno == ENOENT ? 127 : 126, strerror(errno), cmd);
  }
  const char *path = "";
  for (char **e = env; *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5; /* the last one wins, as in Go */
  char candidate[PATH_MAX];
  for (const char *dir = path, *colon;; dir = colon + 1) {
    colon = strchr(dir, ':');
    size_t n = colon ? (size_t)(colon - dir) : strlen(dir);
    int w = n == 0 ? snprintf(candidate, sizeof candidate, "./%s", cmd)
                   : snprintf(candidate, sizeof candidate, "%.*s/%s", (int)n, dir, cmd);
    if (w > 0 && (size_t)w < sizeof candidate && executable(candidate)) {
      confine();
      execve(candidate, argv, env);
      not_started(126, strerror(errno), candidate);
    }
    if (!colon) break;
  }
  not_started(127, "executable file not found in $PATH", cmd);
}

extern char **environ;

int main(int nargs, char **args) {
  if (nargs == 2 && !strcmp(args[1], "--compile-seccomp")) return compile_seccomp();
  if (nargs >= 3 && !strcmp(args[1], "--unpack")) return unpack_tar(nargs - 2, args + 2);
  if (nargs >= 4 && !strcmp(args[1], "--exec")) {
    read_filter(args[2]);
    exec_job(args + 3, environ);
  }
  if (nargs != 1)
    die(2, "usage: mrt-handoff [--compile-seccomp | --unpack ... DIR | --exec FILTER CMD [ARG]...]",
        NULL);
  nonce = getenv("MRT_HANDOFF_NONCE");
  const char *filter_path = getenv("MRT_HANDOFF_SECCOMP");
  if (filter_path) read_filter(filter_path);
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

  exec_job(argv, env);
}
