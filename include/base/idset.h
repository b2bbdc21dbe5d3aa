/* SPDX-License-Identifier: MIT */
/*
 * idset.h: a set of file identities (device and inode, or on Windows the
 * volume serial and file index, as platform_stat() gives them): "was this
 * file reached before?", for the folder walk (links and junctions followed
 * once) and for extls merge (a report named twice read once). On dict and
 * buf: a look-up costs O(1) on average. Nothing here prints.
 */
#ifndef EXTLS_IDSET_H
#define EXTLS_IDSET_H

#include <stdint.h>

#include "buf.h"
#include "dict.h"

/* The set; members private. It must not move after idset_init(). */
struct idset {
    struct buf ids;   /* the identities, in the order added */
    struct dict seen; /* records: positions in ids; look-up key: an identity */
};

/* An empty set; allocates nothing. */
void idset_init(struct idset *s);

/* Free the set's memory; it is then empty. */
void idset_release(struct idset *s);

/* Add (dev, ino): 1 if it was not in the set, 0 if it was, -1 when out of memory (unchanged). */
int idset_add(struct idset *s, uint64_t dev, uint64_t ino);

#endif /* EXTLS_IDSET_H */
