#ifndef MRT_UNZSTD_H
#define MRT_UNZSTD_H

#include <archive.h>

/* Starts decompressing the zstd stream on fd `in` on a thread of its own: 0, or -1 (errno). */
int unzstd_start(int in);

/* libarchive's read callback: the next block of plain bytes, 0 at the end, -1 on failure. */
la_ssize_t unzstd_read(struct archive *a, void *unused, const void **block);

/*
 * Decodes what is left (with `drain`; so the last frame's checksum is checked) or
 * stops the thread, and waits for it: NULL when the whole stream decoded, else why not.
 */
const char *unzstd_finish(int drain);

#endif
