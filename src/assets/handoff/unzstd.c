/*
 * zstd decompression beside the tar reader, as zstd runs beside `tar -I zstd`: on 2
 * cores the two overlap, where libarchive's own zstd filter would decode and write
 * files on one thread. The thread decodes into a ring of large blocks that
 * libarchive reads in place (a pipe between them copied every byte twice more).
 * libzstd checks each frame's content checksum when the frame carries one
 * (make-assets.sh's zstd writes it).
 */
#include "unzstd.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define BLOCKS 8
#define BLOCK (1 << 20)

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int source;
static char *ring[BLOCKS];
static size_t length[BLOCKS];
/* Blocks decoded and not yet given back (the one libarchive holds included); next ones. */
static int full, next_read, next_write;
static int holding; /* libarchive holds ring[next_read] until its next call */
static int ended;   /* the thread is done: end of stream, failure or stopped */
static int stopped; /* the reader wants no more */
static char failure[256];

/* Hands a decoded block to the reader; waits for a free one. False once stopped. */
static int publish(size_t n) {
  pthread_mutex_lock(&lock);
  length[next_write] = n;
  next_write = (next_write + 1) % BLOCKS;
  full++;
  pthread_cond_broadcast(&changed);
  while (full == BLOCKS && !stopped) pthread_cond_wait(&changed, &lock);
  int go_on = !stopped;
  pthread_mutex_unlock(&lock);
  return go_on;
}

static void *decode(void *unused) {
  (void)unused;
  ZSTD_DStream *z = ZSTD_createDStream();
  size_t in_size = ZSTD_DStreamInSize();
  char *in_buf = malloc(in_size);
  size_t pending = 0; /* 0 when a frame has just ended: the stream may end there */
  ZSTD_outBuffer out = {NULL, BLOCK, 0};
  if (!z || !in_buf) {
    snprintf(failure, sizeof failure, "out of memory");
    goto done;
  }
  for (;;) {
    ssize_t got = read(source, in_buf, in_size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      snprintf(failure, sizeof failure, "cannot read the archive: %s", strerror(errno));
      break;
    }
    if (got == 0) {
      if (pending != 0) snprintf(failure, sizeof failure, "the zstd stream is truncated");
      else if (out.pos > 0) publish(out.pos);
      break;
    }
    ZSTD_inBuffer in = {in_buf, (size_t)got, 0};
    while (in.pos < in.size) {
      out.dst = ring[next_write]; /* only this thread moves next_write */
      pending = ZSTD_decompressStream(z, &out, &in);
      if (ZSTD_isError(pending)) {
        snprintf(failure, sizeof failure, "zstd: %s", ZSTD_getErrorName(pending));
        goto done;
      }
      if (out.pos == out.size) {
        if (!publish(out.pos)) goto done;
        out.pos = 0;
      }
    }
  }
done:
  ZSTD_freeDStream(z);
  free(in_buf);
  pthread_mutex_lock(&lock);
  ended = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  return NULL;
}

int unzstd_start(int in) {
  for (int i = 0; i < BLOCKS; i++)
    if (!(ring[i] = malloc(BLOCK))) return errno = ENOMEM, -1;
  source = in;
  int rc = pthread_create(&thread, NULL, decode, NULL);
  return rc == 0 ? 0 : (errno = rc, -1);
}

la_ssize_t unzstd_read(struct archive *a, void *unused, const void **block) {
  (void)unused;
  pthread_mutex_lock(&lock);
  if (holding) { /* libarchive is done with the block it had */
    next_read = (next_read + 1) % BLOCKS;
    full--;
    holding = 0;
    pthread_cond_broadcast(&changed);
  }
  while (full == 0 && !ended) pthread_cond_wait(&changed, &lock);
  la_ssize_t n = 0;
  if (full > 0) {
    *block = ring[next_read];
    n = (la_ssize_t)length[next_read];
    holding = 1;
  } else if (failure[0]) {
    if (a) archive_set_error(a, -1, "%s", failure); /* ARCHIVE_ERRNO_MISC */
    n = -1;
  }
  pthread_mutex_unlock(&lock);
  return n;
}

const char *unzstd_finish(int drain) {
  const void *block;
  while (drain && unzstd_read(NULL, NULL, &block) > 0) continue;
  pthread_mutex_lock(&lock);
  stopped = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  pthread_join(thread, NULL);
  return failure[0] ? failure : NULL;
}
