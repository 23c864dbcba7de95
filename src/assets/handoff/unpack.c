/*
 * mrt-handoff --unpack [--zstd] [--owners] [--special-files] DIR: unpacks the tar on
 * stdin (zstd-compressed with --zstd) into DIR, an empty directory, with libarchive.
 *
 * Why native: a first `mrt run` unpacks the default root filesystem in a JVM that has
 * just started, where a tar parser and its file writes run interpreted; this does the
 * same work at the speed of tar. With --zstd a second thread decompresses (unzstd.c),
 * as zstd runs beside `tar -I zstd`. mrt uses it for its embedded default only;
 * pulled layers and local tarballs go through its Java unpacker, which also applies
 * whiteouts and size caps.
 *
 * What libarchive is asked to keep: modes (setuid, setgid and sticky too), mtimes,
 * hard links and symlinks, with directory modes and times set at the end. It refuses
 * absolute names and ".." (its SECURE flags). Paths through a symlink are refused
 * here: DIR starts empty and only this process writes to it, so the symlinks on disk
 * are the archive's own, and a lookup among them replaces libarchive's check of
 * every component on disk (SECURE_SYMLINKS, six system calls per component: 130 ms
 * against 80 for the default root filesystem's plain tar on tmpfs).
 * --owners chowns to the archive's numeric ids (root); otherwise the unpacking user
 * owns everything and every entry whose owner is not 0:0 is reported, so that mrt
 * records it as the Java unpacker does. Device nodes and FIFOs are made only with
 * --special-files; otherwise they are counted and skipped.
 *
 * Output on stdout, records that end with NUL:
 *   "owner\t<uid>\t<gid>\t<path>"              an owner to record (without --owners)
 *   "done\t<entries>\t<bytes>\t<skipped>"       the last record on success, exit 0
 *   "error\t<kind>\t<entry>\t<message>"         the only record on failure, exit 1;
 *     kind is "unsafe" (a refused entry; the message reads on from "entry 'NAME' "),
 *     "corrupt" (not a tar, truncated, a zstd frame that does not decode or whose
 *     checksum is wrong) or "destination" (the file system said no; the message
 *     ends with the errno text).
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "unpack.h"
#include "unzstd.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BLOCK (1 << 20)

/* The one error record (see above); returns the exit status. */
static int error(const char *kind, const char *entry, const char *message, const char *detail) {
  printf("error\t%s\t%s\t%s%s%s%c", kind, entry ? entry : "", message, detail ? ": " : "",
         detail ? detail : "", 0);
  fflush(stdout);
  return 1;
}

static int failed(const char *kind, const char *entry, struct archive *a) {
  int err = archive_errno(a);
  /* libarchive's own refusals carry ARCHIVE_ERRNO_MISC (-1), the file system's an errno. */
  if (err > 0 && !strcmp(kind, "unsafe")) kind = "destination";
  char message[512];
  /* Unsafe messages complete "entry 'NAME' ..."; libarchive's say "Path is absolute". */
  snprintf(message, sizeof message, "%s%s", strcmp(kind, "unsafe") ? "" : "is refused: ",
           archive_error_string(a));
  return error(kind, entry, message, err > 0 ? strerror(err) : NULL);
}

/* A tar that reads wrong; with --zstd, most likely because its compression does. */
static int corrupt(const char *entry, struct archive *a, int zstd) {
  const char *undecoded = zstd ? unzstd_finish(0) : NULL;
  return undecoded ? error("corrupt", entry, undecoded, NULL) : failed("corrupt", entry, a);
}

/* Rootless: every entry "belongs" to this user, so libarchive keeps setuid/setgid bits. */
static la_int64_t own_uid(void *data, const char *name, la_int64_t uid) {
  (void)data, (void)name, (void)uid;
  return geteuid();
}

static la_int64_t own_gid(void *data, const char *name, la_int64_t gid) {
  (void)data, (void)name, (void)gid;
  return getegid();
}

/* The archive's symlinks so far, by normalized path (tsearch tree of strings). */
static void *symlinks;

static int compare(const void *a, const void *b) { return strcmp(a, b); }

/* "./a//b/./c/" -> "a/b/c" into out (PATH_MAX); ".." stays, for libarchive to refuse. */
static int normalize(const char *name, char *out, size_t size) {
  size_t n = 0;
  for (const char *p = name; *p;) {
    while (*p == '/') p++;
    const char *end = strchrnul(p, '/');
    size_t len = (size_t)(end - p);
    if (len > 0 && !(len == 1 && *p == '.')) {
      if (n + (n > 0) + len + 1 > size) return -1;
      if (n > 0) out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
    }
    p = end;
  }
  out[n] = '\0';
  return 0;
}

/*
 * The symlink that `path`, or a parent of it, is; NULL if none. `whole`: the path
 * itself counts too (a directory entry, or a name others will be put under).
 */
static const char *through_symlink(char *path, int whole) {
  for (char *slash = path;; slash++) {
    slash = strchrnul(slash, '/');
    if (*slash == '\0' && !whole) return NULL;
    char c = *slash;
    *slash = '\0';
    void *found = tfind(path, &symlinks, compare);
    *slash = c;
    if (found) return *(const char **)found;
    if (c == '\0') return NULL;
  }
}

/*
 * Refuses (1) an entry whose path, or hard link target, goes through a symlink of
 * the archive; remembers the symlinks it lets through. -1: out of memory.
 */
static int through_symlinks(struct archive_entry *entry, char *path, mode_t type) {
  const char *link = archive_entry_hardlink(entry);
  const char *via = through_symlink(path, type == AE_IFDIR);
  char target[PATH_MAX];
  if (!via && link) {
    if (normalize(link, target, sizeof target) != 0)
      return error("unsafe", path, "its hard link target is too long", NULL);
    via = through_symlink(target, 0);
  }
  if (via) {
    char why[PATH_MAX + 64];
    snprintf(why, sizeof why, "goes through the symlink '%s' unpacked before it", via);
    return error("unsafe", archive_entry_pathname(entry), why, NULL);
  }
  if (type == AE_IFLNK && !link && !tfind(path, &symlinks, compare)) {
    char *key = strdup(path);
    if (!key || !tsearch(key, &symlinks, compare)) return -1;
  }
  return 0;
}

/* Rootless: an owner other than 0:0 for mrt to record. Hard links share their target's. */
static void recorded_owner(struct archive_entry *entry, const char *name) {
  la_int64_t uid = archive_entry_uid(entry), gid = archive_entry_gid(entry);
  if (archive_entry_filetype(entry) != AE_IFLNK && !archive_entry_hardlink(entry) && (uid || gid))
    printf("owner\t%lld\t%lld\t%s%c", (long long)uid, (long long)gid, name, 0);
}

static int special(mode_t type) {
  return type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK;
}

/* The root's own entry ("./"): libarchive leaves "." alone, so its attributes wait here. */
static struct archive_entry *root_entry;

static int finish_root(int owners) {
  if (!root_entry) return 0;
  const char *failure = NULL;
  uid_t uid = (uid_t)archive_entry_uid(root_entry);
  gid_t gid = (gid_t)archive_entry_gid(root_entry);
  if (owners && lchown(".", uid, gid) != 0)
    failure = "cannot chown the root";
  else if (chmod(".", archive_entry_mode(root_entry) & 07777) != 0)
    failure = "cannot chmod the root";
  else {
    struct timespec mtime = {archive_entry_mtime(root_entry), archive_entry_mtime_nsec(root_entry)};
    struct timespec times[2] = {mtime, mtime};
    if (utimensat(AT_FDCWD, ".", times, AT_SYMLINK_NOFOLLOW) != 0)
      failure = "cannot set the root's mtime";
  }
  if (!failure) return 0;
  return error("destination", archive_entry_pathname(root_entry), failure, strerror(errno));
}

int unpack_tar(int argc, char **argv) {
  int zstd = 0, owners = 0, special_files = 0, i = 0;
  for (; i < argc - 1; i++) {
    if (!strcmp(argv[i], "--zstd")) zstd = 1;
    else if (!strcmp(argv[i], "--owners")) owners = 1;
    else if (!strcmp(argv[i], "--special-files")) special_files = 1;
    else break;
  }
  if (i != argc - 1) {
    dprintf(2, "mrt-handoff: usage: mrt-handoff --unpack [--zstd] [--owners] [--special-files]"
               " DIR\n");
    return 2;
  }
  if (chdir(argv[i]) != 0)
    return error("destination", NULL, "cannot enter the directory", strerror(errno));
  /* Fewer, larger reads from mrt's pipe; the default (64 KiB) works too. */
  (void)fcntl(0, F_SETPIPE_SZ, READ_BLOCK);
  if (zstd && unzstd_start(0) != 0)
    return error("destination", NULL, "cannot start decompressing", strerror(errno));

  struct archive *in = archive_read_new();
  struct archive *out = archive_write_disk_new();
  if (!in || !out) return error("destination", NULL, "out of memory", NULL);
  archive_read_support_format_tar(in);
  int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
  if (owners) flags |= ARCHIVE_EXTRACT_OWNER;
  archive_write_disk_set_options(out, flags);
  if (!owners) {
    archive_write_disk_set_user_lookup(out, NULL, own_uid, NULL);
    archive_write_disk_set_group_lookup(out, NULL, own_gid, NULL);
  }
  int opened = zstd ? archive_read_open(in, NULL, NULL, unzstd_read, NULL)
                    : archive_read_open_fd(in, 0, READ_BLOCK);
  if (opened != ARCHIVE_OK) return corrupt(NULL, in, zstd);

  long long entries = 0, bytes = 0, skipped = 0;
  struct archive_entry *entry;
  char path[PATH_MAX];
  int r;
  while ((r = archive_read_next_header(in, &entry)) == ARCHIVE_OK) {
    entries++;
    const char *name = archive_entry_pathname(entry);
    mode_t type = archive_entry_filetype(entry);
    if (special(type) && !special_files) {
      skipped++;
      continue;
    }
    if (normalize(name, path, sizeof path) != 0)
      return error("unsafe", name, "its name is too long", NULL);
    if (path[0] == '\0' && name[0] != '/' && type == AE_IFDIR) {
      if (root_entry) archive_entry_free(root_entry);
      if (!(root_entry = archive_entry_clone(entry)))
        return error("destination", name, "out of memory", NULL);
      if (!owners) recorded_owner(entry, name);
      continue;
    }
    if ((r = through_symlinks(entry, path, type)) != 0)
      return r > 0 ? r : error("destination", name, "out of memory", NULL);
    if (archive_write_header(out, entry) != ARCHIVE_OK) return failed("unsafe", name, out);
    const void *block;
    size_t size;
    la_int64_t offset;
    while ((r = archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK) {
      if (archive_write_data_block(out, block, size, offset) != ARCHIVE_OK)
        return failed("destination", name, out);
      bytes += (long long)size;
    }
    if (r != ARCHIVE_EOF) return corrupt(name, in, zstd);
    if (archive_write_finish_entry(out) != ARCHIVE_OK) return failed("destination", name, out);
    if (!owners) recorded_owner(entry, name);
  }
  if (r != ARCHIVE_EOF) return corrupt(NULL, in, zstd);
  /* Directory modes and times, deepest first: libarchive's deferred fix-ups; the root last. */
  if (archive_write_close(out) != ARCHIVE_OK) return failed("destination", NULL, out);
  if ((r = finish_root(owners)) != 0) return r;
  const char *undecoded = zstd ? unzstd_finish(1) : NULL;
  if (undecoded) return error("corrupt", NULL, undecoded, NULL);
  archive_read_free(in);
  archive_write_free(out);
  printf("done\t%lld\t%lld\t%lld%c", entries, bytes, skipped, 0);
  return fflush(stdout) == 0 ? 0 : 1;
}
