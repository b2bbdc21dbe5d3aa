/* SPDX-License-Identifier: MIT */
/*
 * outfile.h: where the report goes, delivered whole or not at all.
 *
 * Model. With --output FILE the report is written to a temporary file
 * beside FILE (FILE + ".tmp." + pid, created new, mode 0666 less the
 * umask), which is flushed and fsynced when complete (outfile_finish()) and
 * only then renamed over FILE (outfile_commit(), or together with the state
 * through commit.h). A reader of FILE sees the previous report or the new
 * one, never a part; a run that fails leaves the previous report as it
 * was, and its temporary file is removed (outfile_free()).
 *
 * Without --output the report goes to a stream (standard output);
 * outfile_sync_stream() delivers it: flushed, and fsynced when the stream
 * is a regular file, so that a report that did not reach the disk is an
 * error before anything else is marked done.
 *
 * Nothing here prints; errors come back with a message.
 */
#ifndef EXTLS_OUTFILE_H
#define EXTLS_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "extls.h"

struct outfile;

/*
 * Start a report to `path` (borrowed; must outlive the outfile). `path`
 * must not exist or be a regular file: replacing a device, a folder or a
 * symbolic link is refused (EXTLS_EINVAL). On EXTLS_EIO (the temporary file
 * cannot be created) or EXTLS_EINVAL `msg` (msg_len bytes) says why; *out
 * is the new outfile (caller owns, free with outfile_free()) or NULL.
 */
enum extls_status outfile_open(struct outfile **out, const char *path, char *msg, size_t msg_len);

/* The stream to write the report to (borrowed; closed by outfile_finish()). */
FILE *outfile_stream(struct outfile *o);

/* The temporary file's name (borrowed, valid until outfile_free()). */
const char *outfile_temp(const struct outfile *o);

/* The final name, as given to outfile_open(). */
const char *outfile_path(const struct outfile *o);

/*
 * Flush, fsync and close the temporary file: the report is complete on disk
 * but not in place. On EXTLS_EIO (a write error now or earlier, e.g. ENOSPC
 * or EFBIG) `msg` says why; the temporary file is still removed by
 * outfile_free().
 */
enum extls_status outfile_finish(struct outfile *o, char *msg, size_t msg_len);

/*
 * Rename the finished temporary file over the final name and fsync the
 * folder. On EXTLS_EIO `msg` says why and the final file is as it was.
 */
enum extls_status outfile_commit(struct outfile *o, char *msg, size_t msg_len);

/*
 * The finished temporary file is now the caller's (a commit journal names
 * it): outfile_free() leaves it in place.
 */
void outfile_disown(struct outfile *o);

/*
 * Close the stream if still open and remove the temporary file unless it
 * was committed or disowned. outfile_free(NULL) is a no-op.
 */
void outfile_free(struct outfile *o);

/*
 * Deliver a report written to a stream: fflush() it, and fsync() it when it
 * is a regular file (pipes and terminals have nothing to sync). On EXTLS_EIO
 * `msg` says why ("cannot write output: ...").
 */
enum extls_status outfile_sync_stream(FILE *f, char *msg, size_t msg_len);

#endif /* EXTLS_OUTFILE_H */
