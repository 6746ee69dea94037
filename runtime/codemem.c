/* codemem.c: the memory loaded code lives in (see loader.h), shared by many objects.
 *
 * A specialisation's object is small (about 1-2 kB of code and a few hundred bytes of constants),
 * so a mapping of its own per object would cost two whole pages and two kernel mappings each,
 * and a process would run out of mappings (vm.max_map_count) long before memory. Instead objects
 * share chunks of the code arena:
 *
 *   chunk = [ text region: read+execute | ro region: read-only ]   one range of one memfd file
 *
 * mapped once from the file (two mappings per chunk, for hundreds of objects). An object gets a
 * block of the text region (its code and call stubs) and a block of the ro region (constants,
 * jump tables, its GOT) of the same chunk, since jump tables hold 32-bit offsets to the code.
 * Blocks come from a first-fit free list per region. The process never maps code writable:
 * the loader relocates an object in a staging copy and writes it into the file with pwrite(),
 * which the execute-only mapping shows at once. So W^X holds without flipping page permissions,
 * and threads running other code in the same pages are never disturbed. A freed block returns to
 * its free list; the pages it leaves wholly free are punched out of the file, so their memory
 * goes back to the system, and a chunk left empty is unmapped (one empty chunk is kept for the
 * next loads).
 *
 * fork: parent and child share the file, so after a fork neither may write or punch what the
 * other may still run. Both seal every chunk the fork found (no more blocks from it, no punching;
 * unmapped once its last object goes) and put new code into a fresh file.
 *
 * Objects with writable data (ember's code generator emits none), alignments above a page, and
 * processes where a memfd cannot be mapped executable, or EMBER_CODE_ARENA=0, get a private
 * mapping per object instead: written in place, then mprotect-ed part by part.
 *
 * Owner and lock: this file owns the arena and the counters; `lock` guards them, so loads and
 * frees may come from any thread.
 */
#define _GNU_SOURCE
#include "loader.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK_TEXT (1u << 20)   /* a chunk's text region, unless one object needs more */
#define CHUNK_RO (256u << 10)   /* its ro region */
/* Blocks start and end on 64 bytes, so that code lands at the alignment its compile laid it out
 * for (LLVM aligns loops to 16 bytes from a function's start), whatever was loaded before it: at
 * 16 bytes, a kernel with a 3-trip inner loop ran 0.20 or 0.28 ms a call depending on which
 * function another call had compiled first (the loop's place within a 64-byte fetch block). */
#define BLOCK_ALIGN 64

typedef struct Range {
    size_t off, len;
} Range;

/* One region of a chunk and its free blocks, sorted by offset and never adjacent. */
typedef struct Region {
    size_t at, cap;   /* its offset in the chunk, its size (both page multiples) */
    Range *free;
    int nfree, capfree;
} Region;

struct RtChunk {
    unsigned char *base;
    size_t size;
    off_t file_off;         /* where it lies in the arena's file */
    Region region[2];       /* RT_PART_TEXT, RT_PART_RO */
    int nobjects;
    bool sealed;            /* found by a fork: shared with another process, never written again */
    struct RtChunk *next;
};

static struct {
    pthread_mutex_t lock;
    int state;              /* 0 not tried yet, 1 on, -1 off (private mappings) */
    int fd;                 /* the memfd new chunks come from, or -1 */
    off_t file_end;
    RtChunk *chunks;
    RtCodeStats stats;
} arena = {PTHREAD_MUTEX_INITIALIZER, 0, -1, 0, NULL, {0}};

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }
static size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }
static size_t round_down(size_t x, size_t a) { return x / a * a; }

static int fail(char *err, size_t errlen, const char *what) {
    snprintf(err, errlen, "%s (%s)", what, strerror(errno));
    return -1;
}

/* ---- the free lists ---------------------------------------------------------------- */
static bool insert_range(Region *r, int at, Range x) {
    if (r->nfree == r->capfree) {
        int ncap = r->capfree ? r->capfree * 2 : 8;
        Range *p = realloc(r->free, sizeof *p * (size_t)ncap);
        if (!p) return false;
        r->free = p;
        r->capfree = ncap;
    }
    memmove(r->free + at + 1, r->free + at, sizeof(Range) * (size_t)(r->nfree - at));
    r->free[at] = x;
    r->nfree++;
    return true;
}

static void remove_range(Region *r, int at) {
    memmove(r->free + at, r->free + at + 1, sizeof(Range) * (size_t)(r->nfree - at - 1));
    r->nfree--;
}

/* A block of `len` bytes aligned to `align` (both multiples of BLOCK_ALIGN): its offset in the
 * region, or (size_t)-1. */
static size_t region_alloc(Region *r, size_t len, size_t align) {
    for (int i = 0; i < r->nfree; i++) {
        Range f = r->free[i];
        size_t at = round_up(f.off, align);
        if (at < f.off || at - f.off > f.len || f.len - (at - f.off) < len) continue;
        Range before = {f.off, at - f.off}, after = {at + len, f.off + f.len - (at + len)};
        if (before.len && after.len) {
            if (!insert_range(r, i + 1, after)) return (size_t)-1;
            r->free[i] = before;
        } else if (before.len) {
            r->free[i] = before;
        } else if (after.len) {
            r->free[i] = after;
        } else {
            remove_range(r, i);
        }
        return at;
    }
    return (size_t)-1;
}

/* Give a block back; returns the free range it is now part of. Cannot fail: a block that cannot
 * be recorded (no memory for the list) is only lost to reuse. */
static Range region_free(Region *r, size_t off, size_t len) {
    int i = 0;
    while (i < r->nfree && r->free[i].off < off) i++;
    bool joins_prev = i > 0 && r->free[i - 1].off + r->free[i - 1].len == off;
    bool joins_next = i < r->nfree && off + len == r->free[i].off;
    if (joins_prev && joins_next) {
        r->free[i - 1].len += len + r->free[i].len;
        remove_range(r, i);
        return r->free[i - 1];
    }
    if (joins_prev) return r->free[i - 1].len += len, r->free[i - 1];
    if (joins_next) {
        r->free[i].off = off;
        r->free[i].len += len;
        return r->free[i];
    }
    Range x = {off, len};
    insert_range(r, i, x);
    return x;
}

/* ---- chunks ------------------------------------------------------------------------ */
static void seal_all(void) {
    for (RtChunk *c = arena.chunks; c; c = c->next) c->sealed = true;
    if (arena.fd >= 0) close(arena.fd);
    arena.fd = -1;
    if (arena.state == 1) arena.state = 0;   /* the next load opens a fresh file */
}

static void before_fork(void) { pthread_mutex_lock(&arena.lock); }
static void after_fork(void) {
    seal_all();
    pthread_mutex_unlock(&arena.lock);
}

static bool turned_off(void) {
    const char *env = getenv("EMBER_CODE_ARENA");
    return env && !strcmp(env, "0");
}

/* Open the arena's file; 0, or -1 when the arena is off. */
static int arena_open(void) {
    if (arena.state) return arena.state > 0 ? 0 : -1;
    static bool registered;
    if (turned_off() || (!registered && pthread_atfork(before_fork, after_fork, after_fork))) {
        arena.state = -1;
        return -1;
    }
    registered = true;
    arena.fd = memfd_create("ember-code", MFD_CLOEXEC);
    arena.file_end = 0;
    arena.state = arena.fd >= 0 ? 1 : -1;
    return arena.fd >= 0 ? 0 : -1;
}

static void punch(RtChunk *c, size_t off, size_t len) {
    if (!c->sealed && len)
        fallocate(arena.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, c->file_off + (off_t)off, (off_t)len);
}

static void chunk_unmap(RtChunk *c) {
    punch(c, 0, c->size);
    munmap(c->base, c->size);
    arena.stats.mapped_bytes -= (int64_t)c->size;
    arena.stats.mappings -= 2;
    arena.stats.chunks--;
    for (RtChunk **p = &arena.chunks; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    free(c->region[0].free);
    free(c->region[1].free);
    free(c);
}

/* A new chunk with room for at least `text` and `ro` bytes; NULL with errno set. */
static RtChunk *chunk_new(size_t text, size_t ro) {
    size_t page = page_size(), tcap = round_up(text > CHUNK_TEXT ? text : CHUNK_TEXT, page);
    size_t rcap = round_up(ro > CHUNK_RO ? ro : CHUNK_RO, page), size = tcap + rcap;
    RtChunk *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->size = size;
    c->file_off = arena.file_end;
    c->region[RT_PART_TEXT] = (Region){.at = 0, .cap = tcap};
    c->region[RT_PART_RO] = (Region){.at = tcap, .cap = rcap};
    if (!insert_range(&c->region[0], 0, (Range){0, tcap}) || !insert_range(&c->region[1], 0, (Range){0, rcap}))
        goto fail;
    if (ftruncate(arena.fd, c->file_off + (off_t)size)) goto fail;
    void *base = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, arena.fd, c->file_off);
    if (base == MAP_FAILED) goto fail;
    if (mprotect((unsigned char *)base + tcap, rcap, PROT_READ)) {
        munmap(base, size);
        goto fail;
    }
    c->base = base;
    arena.file_end += (off_t)size;
    c->next = NULL;
    RtChunk **p = &arena.chunks;   /* older chunks fill first */
    while (*p) p = &(*p)->next;
    *p = c;
    arena.stats.mapped_bytes += (int64_t)size;
    arena.stats.mappings += 2;
    arena.stats.chunks++;
    return c;
fail:;
    int e = errno;
    free(c->region[0].free);
    free(c->region[1].free);
    free(c);
    errno = e;
    return NULL;
}

/* Blocks for m's text and ro parts in one chunk. 0, or -1 (errno set) if no chunk can be made. */
static int arena_reserve(RtCodeMem *m) {
    size_t need[2], align[2];
    for (int p = 0; p < 2; p++) {
        need[p] = round_up(m->size[p], BLOCK_ALIGN);
        align[p] = m->align[p] > BLOCK_ALIGN ? m->align[p] : BLOCK_ALIGN;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        for (RtChunk *c = arena.chunks; c; c = c->next) {
            if (c->sealed) continue;
            size_t off[2] = {0, 0};
            int p = 0;
            for (; p < 2; p++)
                if (need[p] && (off[p] = region_alloc(&c->region[p], need[p], align[p])) == (size_t)-1) break;
            if (p < 2) {
                if (p == 1 && need[0]) region_free(&c->region[0], off[0], need[0]);
                continue;
            }
            m->chunk = c;
            c->nobjects++;
            for (p = 0; p < 2; p++) {
                m->off[p] = off[p];
                m->at[p] = need[p] ? c->base + c->region[p].at + off[p] : NULL;
                arena.stats.used_bytes += (int64_t)need[p];
            }
            return 0;
        }
        if (attempt == 0 && !chunk_new(need[0], need[1])) return -1;
    }
    errno = ENOMEM;
    return -1;
}

static void arena_release(RtCodeMem *m) {
    RtChunk *c = m->chunk;
    size_t page = page_size();
    for (int p = 0; p < 2; p++) {
        size_t len = round_up(m->size[p], BLOCK_ALIGN);
        if (!len) continue;
        Region *r = &c->region[p];
        Range f = region_free(r, m->off[p], len);
        /* the pages this block touched that are now wholly free */
        size_t lo = round_up(f.off, page), hi = round_down(f.off + f.len, page);
        if (lo < round_down(m->off[p], page)) lo = round_down(m->off[p], page);
        if (hi > round_up(m->off[p] + len, page)) hi = round_up(m->off[p] + len, page);
        if (lo < hi) punch(c, r->at + lo, hi - lo);
        arena.stats.used_bytes -= (int64_t)len;
    }
    if (--c->nobjects > 0) return;
    bool spare = false;   /* keep one empty chunk for the next loads */
    for (RtChunk *o = arena.chunks; o; o = o->next) spare |= o != c && !o->sealed && o->nobjects == 0;
    if (c->sealed || spare) chunk_unmap(c);
}

/* Write one part of the staged image into the file behind its mapping. */
static int arena_write(RtCodeMem *m, int p) {
    size_t len = m->size[p], done = 0;
    RtChunk *c = m->chunk;
    off_t at = c->file_off + (off_t)(c->region[p].at + m->off[p]);
    while (done < len) {
        ssize_t n = pwrite(arena.fd, m->image[p] + done, len - done, at + (off_t)done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        done += (size_t)n;
    }
    return 0;
}

/* ---- private mappings -------------------------------------------------------------- */
static int private_reserve(RtCodeMem *m) {
    size_t page = page_size(), at = 0, off[RT_NPARTS];
    for (int p = 0; p < RT_NPARTS; p++) {
        off[p] = at;
        at += round_up(m->size[p], page);
    }
    m->map_size = at ? at : page;
    void *base = mmap(NULL, m->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return -1;
    m->map = base;
    for (int p = 0; p < RT_NPARTS; p++) m->at[p] = m->image[p] = m->size[p] ? m->map + off[p] : NULL;
    m->nmaps = 1;
    arena.stats.mapped_bytes += (int64_t)m->map_size;
    arena.stats.used_bytes += (int64_t)m->map_size;
    arena.stats.mappings += 1;
    return 0;
}

/* Each part gets its permissions, and so becomes a mapping of its own. */
static int private_commit(RtCodeMem *m) {
    static const int prot[RT_NPARTS] = {PROT_READ | PROT_EXEC, PROT_READ, PROT_READ | PROT_WRITE};
    int nmaps = 0;
    for (int p = 0; p < RT_NPARTS; p++) {
        if (!m->size[p]) continue;
        if (mprotect(m->at[p], round_up(m->size[p], page_size()), prot[p])) return -1;
        nmaps++;
    }
    arena.stats.mappings += nmaps - m->nmaps;
    m->nmaps = nmaps;
    return 0;
}

/* ---- the interface ----------------------------------------------------------------- */
static void release_locked(RtCodeMem *m) {
    if (m->chunk) {
        for (int p = 0; p < 2; p++) free(m->image[p]);
        arena_release(m);
    } else if (m->map) {
        munmap(m->map, m->map_size);
        arena.stats.mapped_bytes -= (int64_t)m->map_size;
        arena.stats.used_bytes -= (int64_t)m->map_size;
        arena.stats.mappings -= m->nmaps;
    } else {
        return;   /* nothing reserved */
    }
    arena.stats.objects--;
    m->chunk = NULL;
    m->map = NULL;
}

int rt_codemem_reserve(RtCodeMem *m, char *err, size_t errlen) {
    pthread_mutex_lock(&arena.lock);
    int rc = -1;
    m->chunk = NULL;
    m->map = NULL;
    m->nmaps = 0;
    for (int p = 0; p < RT_NPARTS; p++) m->at[p] = m->image[p] = NULL;
    size_t page = page_size();
    bool fits = !m->size[RT_PART_RW] && m->align[RT_PART_TEXT] <= page && m->align[RT_PART_RO] <= page;
    if (fits && arena_open() == 0) {
        if (arena_reserve(m) == 0) {
            arena.stats.objects++;
            rc = 0;
            for (int p = 0; p < 2 && rc == 0; p++)
                if (m->size[p] && !(m->image[p] = calloc(1, m->size[p]))) {
                    release_locked(m);
                    rc = -1;
                    snprintf(err, errlen, "out of memory");
                }
            goto out;
        }
        if (errno == EPERM || errno == EACCES) {   /* this system forbids executable memfds */
            seal_all();
            arena.state = -1;
        }   /* else (out of memory, a file size limit): try a private mapping for this one */
    }
    if (private_reserve(m)) {
        rc = fail(err, errlen, "cannot map memory for compiled code");
    } else {
        arena.stats.objects++;
        rc = 0;
    }
out:
    pthread_mutex_unlock(&arena.lock);
    return rc;
}

int rt_codemem_commit(RtCodeMem *m, char *err, size_t errlen) {
    pthread_mutex_lock(&arena.lock);
    int rc = 0;
    if (m->chunk) {
        for (int p = 0; p < 2; p++) {
            if (rc == 0 && m->size[p]) rc = arena_write(m, p);
            free(m->image[p]);
            m->image[p] = NULL;
        }
    } else {
        rc = private_commit(m);
    }
    pthread_mutex_unlock(&arena.lock);
    if (rc) return fail(err, errlen, "cannot write compiled code into place");
    __builtin___clear_cache((char *)m->at[RT_PART_TEXT], (char *)m->at[RT_PART_TEXT] + m->size[RT_PART_TEXT]);
    return 0;
}

void rt_codemem_release(RtCodeMem *m) {
    pthread_mutex_lock(&arena.lock);
    release_locked(m);
    pthread_mutex_unlock(&arena.lock);
}

void rt_code_stats(RtCodeStats *out) {
    pthread_mutex_lock(&arena.lock);
    *out = arena.stats;
    out->arena = arena.state > 0 || (arena.state == 0 && !turned_off());   /* 0: opened at the next load */
    pthread_mutex_unlock(&arena.lock);
}
