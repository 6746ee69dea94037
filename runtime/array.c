/* array.c: memory blocks for arrays made in compiled code, and NumPy arrays crossing into and
 * out of compiled code (DESIGN.md contract 6).
 *
 * A block is one allocation: a header {refcnt, size} followed (64-byte aligned) by the data.
 * Generated code increments and decrements refcnt inline with atomic operations and calls
 * ember_rt_block_free when it drops to zero. Every block allocation and free goes through the
 * two functions here, which count them (rt_stats), so tests can assert that nothing leaks.
 *
 * Crossing into Python: an array argument is unboxed as {meminfo NULL, parent = the ndarray
 * (borrowed for the call), data, shape, strides}. Returning one: an array over a block becomes an
 * ndarray whose base is a capsule holding the block's reference (no copy); an array over an
 * argument's memory becomes the argument itself when it is the same view, or a view whose base
 * is the argument.
 *
 * NumPy's C-API is imported lazily (rt_numpy_ready): `import ember` does not import NumPy, and
 * an ndarray argument can only exist once NumPy has been imported.
 */
#define PY_ARRAY_UNIQUE_SYMBOL ember_ARRAY_API
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include "rt.h"
#include "sort.h"
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>
#include <stdatomic.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

/* ---- blocks ------------------------------------------------------------------------ */
struct RtBlock {
    _Atomic int64_t refcnt;   /* generated code updates it at offset 0 */
    int64_t size;
    void *alloc;              /* what malloc returned */
};

_Static_assert(sizeof(RtBlock) == TY_BLOCK_HEADER, "types.h's TY_BLOCK_HEADER");

static _Atomic int64_t n_overruns;   /* owner: this file; read by rt_stats (allocations and frees: per thread, below) */
static void count(bool alloc);       /* one block made (true) or freed (false) */

#define BLOCK_DATA_OFFSET 64
/* A canary follows every block's data: a write one element past the end (the off-by-one no
 * differential test can see, since NumPy never reads there) changes it, and freeing the block
 * counts an overrun, which the test suite's leak fixture asserts to be zero. Sixteen bytes cover
 * one element of every dtype. */
#define CANARY_BYTES 16
static const unsigned char canary[CANARY_BYTES] = {0xE5, 0x3B, 0xA7, 0x19, 0xC4, 0x6D, 0x82, 0xF0,
                                                   0x5E, 0x91, 0x2A, 0xD7, 0x0C, 0xB3, 0x68, 0x4F};

/* ---- large blocks kept for the next allocation --------------------------------------- *
 * malloc serves a large block straight from mmap (glibc: from 128 KiB, a threshold that moves as
 * blocks are freed, so whether it does differs from process to process) and gives it back to
 * the system when it is freed, so a function called again and again that returns a new array or
 * makes a temporary one pays again for every page of it: the kernel faults each page in and
 * clears it (a 1000x1000 distance matrix spent 36% of its time there, a 3.8 MB np.zeros_like
 * 75%, np.corrcoef of a 20000x6 array's 1 MB temporaries 1.11 ms against 0.44 in a process where
 * they were not). Freed blocks of BIG_MIN bytes and more, up to BIG_KEEP of them and BIG_KEEP_BYTES in all, are kept instead; an
 * allocation takes the smallest kept block that fits it with at most a quarter to spare, so the
 * memory kept stays close to what the program's own arrays use. When the list is full, the
 * blocks kept longest go back to malloc to make room: the block freed last is the likeliest to
 * be asked for again (a program that moves on to other sizes would otherwise find the list
 * full of the old ones and fault in every page of its new arrays). Any thread; under big_lock. */
#define BIG_MIN ((size_t)1 << 17)
#define BIG_KEEP 8
#define BIG_KEEP_BYTES ((size_t)64 << 20)
/* A short critical section's spin lock (big_lock, heaps_lock). */
static void spin_acquire(atomic_flag *lock) {
    while (atomic_flag_test_and_set_explicit(lock, memory_order_acquire)) {}
}

static void spin_release(atomic_flag *lock) { atomic_flag_clear_explicit(lock, memory_order_release); }

static struct { void *p; size_t cap; uint64_t age; } big[BIG_KEEP];   /* owner: this file, under big_lock */
static size_t big_bytes;
static uint64_t big_clock;   /* age: big_clock when the block was kept */
static atomic_flag big_lock = ATOMIC_FLAG_INIT;

static size_t block_bytes(int64_t nbytes) { return (size_t)nbytes + BLOCK_DATA_OFFSET + 64 + CANARY_BYTES; }

/* A kept block of between `need` and need * 5 / 4 bytes, or NULL. */
static void *big_take(size_t need) {
    int best = -1;
    spin_acquire(&big_lock);
    for (int i = 0; i < BIG_KEEP; i++)
        if (big[i].p && big[i].cap >= need && big[i].cap - need <= need / 4 && (best < 0 || big[i].cap < big[best].cap))
            best = i;
    void *p = best >= 0 ? big[best].p : NULL;
    if (p) {
        big_bytes -= big[best].cap;
        big[best].p = NULL;
    }
    spin_release(&big_lock);
    return p;
}

/* Keep p (cap bytes, malloc_usable_size's), giving the oldest kept blocks back to malloc while
 * there is no room; false when p alone is too large to keep (the caller frees it). */
static bool big_keep(void *p, size_t cap) {
    if (cap > BIG_KEEP_BYTES) return false;
    void *evicted[BIG_KEEP];
    int n_evicted = 0, slot = -1;
    spin_acquire(&big_lock);
    for (;;) {
        int oldest = -1;
        slot = -1;
        for (int i = 0; i < BIG_KEEP; i++) {
            if (!big[i].p) slot = i;
            else if (oldest < 0 || big[i].age < big[oldest].age) oldest = i;
        }
        if (slot >= 0 && big_bytes + cap <= BIG_KEEP_BYTES) break;
        evicted[n_evicted++] = big[oldest].p;   /* cap <= BIG_KEEP_BYTES: something is kept */
        big_bytes -= big[oldest].cap;
        big[oldest].p = NULL;
    }
    big[slot].p = p;
    big[slot].cap = cap;
    big[slot].age = ++big_clock;
    big_bytes += cap;
    spin_release(&big_lock);
    for (int i = 0; i < n_evicted; i++) free(evicted[i]);
    return true;
}

/* Blocks whose data needs only 8-byte alignment (strings): no padding to a cache line, and the
 * header at the start of the memory (b->alloc == b tells them apart). Small ones, up to
 * SMALL_CLASSES * 16 bytes in all, are recycled through per-thread free stacks by 16-byte size
 * class (at most SMALL_KEEP_BYTES in all, whatever their classes: a split of 10^5 words keeps 8 MB of
 * one class): making and dropping many short strings (split, a word count) then costs no
 * malloc/free, whose trimming and refaulting of the heap dominated. A block freed by another
 * thread than the one that made it goes to that thread's stack. Counted and checked as any.
 *
 * A stack is an array of the free blocks' addresses, not a list linked through the blocks: the
 * blocks come back in whatever order the program dropped them (a sorted list of words frees them
 * in sorted order, scattered over the heap), and popping from a linked list reads each block's
 * link before the next pop can start, one dependent cache miss per allocation (a split after a
 * sort ran 6x slower than on a fresh heap). Popping from the array reads consecutive words; the
 * writes into the scattered blocks that follow overlap.
 *
 * The stacks hang from one thread-local pointer (this module's static TLS has little room), made
 * on a thread's first small block. */
#define SMALL_CLASSES 16
#define SMALL_KEEP_BYTES ((int64_t)32 << 20)
/* Array blocks (64-byte aligned data) of up to ARRAY_CLASSES * 64 bytes in all are recycled the
 * same way, by 64-byte class, on stacks of their own: a loop that makes a small array in each
 * trip (np.array([x, y]), a 2 x 2 Jacobian) then calls no malloc or free, which took a quarter
 * of such a loop's time. They share the SMALL_KEEP_BYTES budget. */
#define ARRAY_CLASSES 16
/* The 64-byte class of an array block of cap bytes (block_bytes'); ARRAY_CLASSES and up: none. */
static size_t array_class(size_t cap) { return cap ? (cap - 1) / 64 : ARRAY_CLASSES; }
typedef struct SmallFree { void **stack; int64_t n, cap, sorted; } SmallFree;   /* stack[sorted..n): pushed since the last sort */
typedef struct SmallHeap {
    SmallFree cls[SMALL_CLASSES];
    SmallFree arr[ARRAY_CLASSES];
    int64_t kept;                   /* bytes in all stacks */
    _Atomic int64_t allocs, frees;  /* blocks this thread made and freed: only it writes them */
    struct SmallHeap *next;         /* every live thread's, from `heaps` */
} SmallHeap;
static _Thread_local SmallHeap *small_heap __attribute__((tls_model("initial-exec")));

/* ---- counting ------------------------------------------------------------------------ *
 * rt_stats sums every thread's counts of blocks made and freed: one shared atomic counter cost an
 * atomic add per allocation and per free, ~10 of the 21 ns that making and dropping a small
 * array in a loop took. A thread's own count is a plain load and store. The heaps of live threads
 * are listed (under heaps_lock); a thread that ends adds its counts to the totals of the gone
 * ones, gives its kept blocks back to malloc and leaves the list (heap_end). */
static SmallHeap *heaps;                          /* owner: this file, under heaps_lock */
static atomic_flag heaps_lock = ATOMIC_FLAG_INIT;
static _Atomic int64_t gone_allocs, gone_frees;   /* of ended threads, and of any without a heap */
static pthread_key_t heap_key;
static pthread_once_t heap_once = PTHREAD_ONCE_INIT;

static void heap_end(void *p) {
    SmallHeap *h = p;
    spin_acquire(&heaps_lock);
    for (SmallHeap **q = &heaps; *q; q = &(*q)->next)
        if (*q == h) {
            *q = h->next;
            break;
        }
    atomic_fetch_add(&gone_allocs, atomic_load(&h->allocs));
    atomic_fetch_add(&gone_frees, atomic_load(&h->frees));
    spin_release(&heaps_lock);
    for (int c = 0; c < SMALL_CLASSES + ARRAY_CLASSES; c++) {
        SmallFree *f = c < SMALL_CLASSES ? &h->cls[c] : &h->arr[c - SMALL_CLASSES];
        for (int64_t i = 0; i < f->n; i++) free(f->stack[i]);
        free(f->stack);
    }
    if (small_heap == h) small_heap = NULL;
    free(h);
}

static void heap_key_make(void) { pthread_key_create(&heap_key, heap_end); }

static SmallHeap *small_heap_of_thread(void) {
    if (small_heap) return small_heap;
    SmallHeap *h = calloc(1, sizeof(SmallHeap));
    if (!h) return NULL;
    pthread_once(&heap_once, heap_key_make);
    pthread_setspecific(heap_key, h);
    spin_acquire(&heaps_lock);
    h->next = heaps;
    heaps = h;
    spin_release(&heaps_lock);
    return small_heap = h;
}

static void count(bool alloc) {
    SmallHeap *h = small_heap_of_thread();
    if (!h) {   /* no memory for a heap: the shared totals */
        atomic_fetch_add_explicit(alloc ? &gone_allocs : &gone_frees, 1, memory_order_relaxed);
        return;
    }
    _Atomic int64_t *c = alloc ? &h->allocs : &h->frees;
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1, memory_order_relaxed);
}

static size_t small_bytes(int64_t nbytes) { return (size_t)nbytes + sizeof(RtBlock) + CANARY_BYTES; }

/* Keep block p (of `bytes`, its class's size) on this thread's stack f; false when it is not kept
 * (over the budget, or no memory for the stack), so the caller frees it. */
static bool small_keep(SmallHeap *h, SmallFree *f, int64_t bytes, void *p) {
    if (h->kept >= SMALL_KEEP_BYTES) return false;
    if (f->n == f->cap) {
        int64_t cap = f->cap ? 2 * f->cap : 256;
        void **stack = realloc(f->stack, sizeof(void *) * (size_t)cap);
        if (!stack) return false;
        f->stack = stack;
        f->cap = cap;
    }
    f->stack[f->n++] = p;
    h->kept += bytes;
    return true;
}

/* Blocks freed in a burst are reused in address order: when SMALL_SORT_MIN or more were pushed
 * since the last pop, those are sorted, highest address first, so that popping them walks the
 * heap upwards. Writing a split's 10^5 words into blocks a sort had scattered took 14 ms to 3.5
 * on a fresh heap (cache and TLB misses); in address order the hardware prefetches. An LSD radix
 * sort over the address bits that differ (11 at a time, usually 2 or 3 passes) costs a few
 * nanoseconds a block; without memory for its buffer the blocks stay as they are. */
#define SMALL_SORT_MIN 1024
#define RADIX_BITS 11

static void small_sort(void **a, int64_t n) {
    uintptr_t diff = 0;
    for (int64_t i = 1; i < n; i++) diff |= (uintptr_t)a[i] ^ (uintptr_t)a[0];
    if (!diff) return;
    void **buf = malloc(sizeof(void *) * (size_t)n), **from = a, **to = buf;
    if (!buf) return;
    int lo = __builtin_ctzll(diff), hi = 64 - __builtin_clzll(diff);
    for (int shift = lo; shift < hi; shift += RADIX_BITS) {
        int64_t count[(1 << RADIX_BITS) + 1] = {0};   /* digits complemented: descending order */
        for (int64_t i = 0; i < n; i++) count[((~(uintptr_t)from[i] >> shift) & ((1 << RADIX_BITS) - 1)) + 1]++;
        for (int d = 0; d < 1 << RADIX_BITS; d++) count[d + 1] += count[d];
        for (int64_t i = 0; i < n; i++) to[count[(~(uintptr_t)from[i] >> shift) & ((1 << RADIX_BITS) - 1)]++] = from[i];
        void **t = from;
        from = to;
        to = t;
    }
    if (from != a) memcpy(a, from, sizeof(void *) * (size_t)n);
    free(buf);
}

/* A kept block from stack f (of `bytes`), or NULL when it is empty. */
static void *small_take(SmallHeap *h, SmallFree *f, int64_t bytes) {
    if (!f->n) return NULL;
    if (f->n - f->sorted >= SMALL_SORT_MIN) {
        small_sort(f->stack + f->sorted, f->n - f->sorted);
        f->sorted = f->n;
    }
    void *p = f->stack[--f->n];
    if (f->sorted > f->n) f->sorted = f->n;
    h->kept -= bytes;
    return p;
}

RtBlock *ember_rt_block_alloc(int64_t nbytes) {
    if (nbytes < 0) {
        ember_rt_raise("builtins:ValueError", "negative dimensions are not allowed");
        return NULL;
    }
    /* the header sits just before the 64-byte aligned data, the canary just after it */
    size_t cap = (uint64_t)nbytes > ((uint64_t)1 << 60) ? 0 : block_bytes(nbytes);
    void *p = cap >= BIG_MIN ? big_take(cap) : NULL;
    size_t cls = array_class(cap);
    if (cls < ARRAY_CLASSES) {   /* small: a kept block of its 64-byte class, or a new one of the class's size */
        SmallHeap *h = small_heap_of_thread();
        cap = 64 * (cls + 1);
        p = h ? small_take(h, &h->arr[cls], (int64_t)cap) : NULL;
    }
    if (!p && cap) p = malloc(cap);
    if (!p) {
        ember_rt_raise("builtins:MemoryError", "cannot allocate array memory");
        return NULL;
    }
    uintptr_t data = ((uintptr_t)p + BLOCK_DATA_OFFSET + 63) & ~(uintptr_t)63;
    RtBlock *b = (RtBlock *)(data - sizeof(RtBlock));
    atomic_init(&b->refcnt, 1);
    b->size = nbytes;
    b->alloc = p;
    memcpy((char *)data + nbytes, canary, CANARY_BYTES);
#ifdef MADV_HUGEPAGE
    /* As NumPy does: let large arrays use transparent huge pages (far fewer page faults on the
     * first touch of a fresh allocation). */
    if (nbytes >= (int64_t)1 << 22) {
        uintptr_t lo = (data + 4095) & ~(uintptr_t)4095, hi = (data + (uintptr_t)nbytes) & ~(uintptr_t)4095;
        if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    count(true);
    return b;
}

RtBlock *ember_rt_block_alloc_small(int64_t nbytes) {
    RtBlock *b = rt_block_alloc_small_quiet(nbytes);
    if (!b) ember_rt_raise("builtins:MemoryError", "out of memory");
    return b;
}

/* The same, NULL without touching the error record (which may hold the exception being caught). */
RtBlock *rt_block_alloc_small_quiet(int64_t nbytes) {
    size_t total = (uint64_t)nbytes > ((uint64_t)1 << 60) ? 0 : small_bytes(nbytes);
    size_t cls = (total + 15) / 16 - 1;
    SmallHeap *h = small_heap_of_thread();
    void *p = total && h && cls < SMALL_CLASSES ? small_take(h, &h->cls[cls], 16 * (int64_t)(cls + 1)) : NULL;
    if (!p && total) p = malloc(cls < SMALL_CLASSES ? (cls + 1) * 16 : total);
    if (!p) return NULL;
    RtBlock *b = p;
    atomic_init(&b->refcnt, 1);
    b->size = nbytes;
    b->alloc = p;
    memcpy((char *)(b + 1) + nbytes, canary, CANARY_BYTES);
    count(true);
    return b;
}

/* A jitclass instance's block (codegen/lower_jitclass.c): as ember_rt_block_alloc_small, but
 * never NULL. A failure (MemoryError set) gives `failed`, a block of zeros whose count is 0 (no
 * live block's is), which the caller tests; so compiled code may read an instance's fields
 * ahead of the branches that use them (the result is declared readable for its first
 * TY_INSTANCE_READABLE bytes). Never written, never freed. */
static const _Alignas(16) char failed[TY_INSTANCE_READABLE];

RtBlock *ember_rt_instance_alloc(int64_t nbytes) {
    RtBlock *b = ember_rt_block_alloc_small(nbytes);
    return b ? b : (RtBlock *)failed;
}

void *ember_rt_block_data(RtBlock *b) { return (char *)b + sizeof(RtBlock); }

/* A block that owns a reference to a Python object instead of memory (size HOLDS_OBJECT): an
 * array unboxed from what an objmode block gave keeps its ndarray alive through it
 * (runtime/objmode.c), with no copy. */
#define HOLDS_OBJECT (-1)

RtBlock *rt_block_holding(PyObject *o) {
    RtBlock *b = ember_rt_block_alloc(sizeof(PyObject *));
    if (!b) return NULL;
    *(PyObject **)ember_rt_block_data(b) = Py_NewRef(o);
    b->size = HOLDS_OBJECT;
    return b;
}

/* For an array value stored where it may outlive the call (codegen's cg_keep): a block holding the
 * caller's ndarray it views, taken under the GIL from any thread; NULL when there is none (a global
 * array's data in the code) or memory ran out. */
RtBlock *ember_rt_array_hold(PyObject *parent) {
    if (!parent) return NULL;
    PyGILState_STATE g = PyGILState_Ensure();
    RtBlock *b = rt_block_holding(parent);
    PyGILState_Release(g);
    return b;
}

/* ---- freed blocks held back (EMBER_CHECK_FREES=1) ----------------------------------- *
 * A reference dropped twice, or taken after the last one went, writes into freed memory: nothing
 * a differential test sees, until malloc's own lists are corrupted and a later run crashes. With
 * EMBER_CHECK_FREES set (the test suite sets it) the last QUARANTINE freed blocks are held back,
 * their count set to FREED_MARK: a block whose count moved while held was used after its free,
 * and rt_stats counts it as stale. Generated code changes counts inline, so no call can check. */
#define QUARANTINE 64
#define FREED_MARK ((int64_t)0x5A5A000000000000)
static RtBlock *held[QUARANTINE];   /* a ring; owner: this file, under held_lock */
static int held_next;
static _Atomic int check_frees = -1;   /* -1 not read yet, then 0 or 1 */
static atomic_flag held_lock = ATOMIC_FLAG_INIT;
static _Atomic int64_t n_stale;

static void release_block(RtBlock *b);

static bool held_moved(RtBlock *b) { return b && atomic_load(&b->refcnt) != FREED_MARK; }

/* Hold b back; release the block it displaces, counting it stale if its count moved. */
static void hold_block(RtBlock *b) {
    atomic_store(&b->refcnt, FREED_MARK);
    while (atomic_flag_test_and_set_explicit(&held_lock, memory_order_acquire)) {}
    RtBlock *old = held[held_next];
    held[held_next] = b;
    held_next = (held_next + 1) % QUARANTINE;
    atomic_flag_clear_explicit(&held_lock, memory_order_release);
    if (held_moved(old)) atomic_fetch_add_explicit(&n_stale, 1, memory_order_relaxed);
    if (old) release_block(old);
}

static int64_t stale_count(void) {
    int64_t moved = 0;
    while (atomic_flag_test_and_set_explicit(&held_lock, memory_order_acquire)) {}
    for (int i = 0; i < QUARANTINE; i++) moved += held_moved(held[i]);
    atomic_flag_clear_explicit(&held_lock, memory_order_release);
    return atomic_load(&n_stale) + moved;
}

void ember_rt_block_free(RtBlock *b) {
    count(false);
    if (b->size == HOLDS_OBJECT) {   /* the last array over the object's memory went: from any thread */
        PyGILState_STATE g = PyGILState_Ensure();
        Py_DECREF(*(PyObject **)ember_rt_block_data(b));
        PyGILState_Release(g);
    } else if (memcmp((char *)ember_rt_block_data(b) + b->size, canary, CANARY_BYTES))
        atomic_fetch_add_explicit(&n_overruns, 1, memory_order_relaxed);
    if (check_frees < 0) {
        const char *env = getenv("EMBER_CHECK_FREES");
        check_frees = env && *env && strcmp(env, "0");
    }
    if (check_frees) hold_block(b);
    else release_block(b);
}

static void release_block(RtBlock *b) {
    if (b->alloc != (void *)b && b->size >= 0 && block_bytes(b->size) >= BIG_MIN &&
        big_keep(b->alloc, malloc_usable_size(b->alloc)))
        return;
    if (b->alloc != (void *)b) {   /* an array block: kept when small (its class's size, see ember_rt_block_alloc) */
        size_t cls = b->size >= 0 ? array_class(block_bytes(b->size)) : ARRAY_CLASSES;
        SmallHeap *h = cls < ARRAY_CLASSES ? small_heap_of_thread() : NULL;
        if (h && small_keep(h, &h->arr[cls], 64 * (int64_t)(cls + 1), b->alloc)) return;
        free(b->alloc);
        return;
    }
    size_t cls = (small_bytes(b->size) + 15) / 16 - 1;
    SmallHeap *h = cls < SMALL_CLASSES ? small_heap_of_thread() : NULL;
    if (h && small_keep(h, &h->cls[cls], 16 * (int64_t)(cls + 1), b)) return;   /* kept for the next one of its class */
    free(b->alloc);
}

void rt_block_decref(RtBlock *b) {
    if (b && atomic_fetch_sub_explicit(&b->refcnt, 1, memory_order_acq_rel) == 1) ember_rt_block_free(b);
}

void rt_stats(int64_t *allocs, int64_t *frees, int64_t *overruns, int64_t *stale) {
    spin_acquire(&heaps_lock);
    *allocs = atomic_load(&gone_allocs);
    *frees = atomic_load(&gone_frees);
    for (SmallHeap *h = heaps; h; h = h->next) {
        *allocs += atomic_load_explicit(&h->allocs, memory_order_relaxed);
        *frees += atomic_load_explicit(&h->frees, memory_order_relaxed);
    }
    spin_release(&heaps_lock);
    *overruns = atomic_load(&n_overruns);
    *stale = stale_count();
}

void rt_release(const Type *t, void *p) {
    if (t->kind == TY_ARRAY || t->kind == TY_RECARRAY) {
        rt_block_decref(((RtArray *)p)->meminfo);
    } else if (t->kind == TY_STR) {
        rt_block_decref(*(RtBlock **)p);
    } else if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++) rt_release(t->elems[i], (char *)p + t->offsets[i]);
    } else if (t->kind == TY_OPTIONAL) {   /* {is T, T} */
        if (*(const unsigned char *)p & 1) rt_release(t->elems[1], (char *)p + t->offsets[1]);
    } else if (t->kind == TY_LIST) {
        rt_list_decref(t, *(RtBlock **)p);
    } else if (t->kind == TY_DICT || t->kind == TY_SET) {
        rt_dict_decref(t, *(RtBlock **)p);
    } else if (t->kind == TY_CLASS) {
        rt_instance_decref(t, *(RtBlock **)p);
    }
}

void rt_retain(const Type *t, void *p) {
    if (t->kind == TY_ARRAY || t->kind == TY_RECARRAY) {
        RtBlock *b = ((RtArray *)p)->meminfo;
        if (b) atomic_fetch_add_explicit(&b->refcnt, 1, memory_order_relaxed);
    } else if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++) rt_retain(t->elems[i], (char *)p + t->offsets[i]);
    } else if (t->kind == TY_OPTIONAL) {
        if (*(const unsigned char *)p & 1) rt_retain(t->elems[1], (char *)p + t->offsets[1]);
    } else if (ty_is_heap(t) || t->kind == TY_STR) {
        RtBlock *b = *(RtBlock **)p;
        if (b) atomic_fetch_add_explicit(&b->refcnt, 1, memory_order_relaxed);
    }
}

bool rt_block_release_last(RtBlock *b) {
    return b && atomic_fetch_sub_explicit(&b->refcnt, 1, memory_order_acq_rel) == 1;
}

int64_t rt_block_refcnt(RtBlock *b) { return atomic_load(&b->refcnt); }

/* ---- NumPy ------------------------------------------------------------------------- */
static int numpy_state;   /* 0 not tried, 1 ready; owner: this file, under the GIL */

/* ember_rt_sort_* and ember_rt_argsort_* of the numeric dtypes call NumPy's own quicksorts (sort.h). */
static void use_numpy_sorts(void) {
    static const struct { int npy; void (*use)(RtNumpySort); void (*use_arg)(RtNumpyArgsort); } sorts[] = {
        {NPY_BOOL, rt_use_numpy_sort_b1, rt_use_numpy_argsort_b1}, {NPY_INT8, rt_use_numpy_sort_i1, rt_use_numpy_argsort_i1},
        {NPY_INT16, rt_use_numpy_sort_i2, rt_use_numpy_argsort_i2}, {NPY_INT32, rt_use_numpy_sort_i4, rt_use_numpy_argsort_i4},
        {NPY_INT64, rt_use_numpy_sort_i8, rt_use_numpy_argsort_i8},
        {NPY_UINT8, rt_use_numpy_sort_u1, rt_use_numpy_argsort_u1}, {NPY_UINT16, rt_use_numpy_sort_u2, rt_use_numpy_argsort_u2},
        {NPY_UINT32, rt_use_numpy_sort_u4, rt_use_numpy_argsort_u4}, {NPY_UINT64, rt_use_numpy_sort_u8, rt_use_numpy_argsort_u8},
        {NPY_FLOAT32, rt_use_numpy_sort_f4, rt_use_numpy_argsort_f4}, {NPY_FLOAT64, rt_use_numpy_sort_f8, rt_use_numpy_argsort_f8}};
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
        PyArray_Descr *d = PyArray_DescrFromType(sorts[i].npy);
        PyArray_ArrFuncs *f = d ? PyDataType_GetArrFuncs(d) : NULL;
        if (f && f->sort[NPY_QUICKSORT]) sorts[i].use((RtNumpySort)f->sort[NPY_QUICKSORT]);
        if (f && f->argsort[NPY_QUICKSORT]) sorts[i].use_arg((RtNumpyArgsort)f->argsort[NPY_QUICKSORT]);
        Py_XDECREF(d);
    }
    PyErr_Clear();
}

/* Import NumPy's C-API if NumPy is already imported; false when it is not (so no argument can
 * be an ndarray) or the import failed. */
static bool numpy_ready(void) {
    if (numpy_state == 1) return true;
    PyObject *name = PyUnicode_FromString("numpy");
    PyObject *mod = name ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    if (!mod) {
        PyErr_Clear();
        return false;
    }
    Py_DECREF(mod);
    if (PyArray_ImportNumPyAPI() < 0) {
        PyErr_Clear();
        return false;
    }
    numpy_state = 1;
    use_numpy_sorts();
    return true;
}

int rt_numpy_init(void) {
    if (numpy_state == 1) return 0;
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) return -1;
    Py_DECREF(np);
    return numpy_ready() ? 0 : -1;
}

static int dtype_of_npy(int typenum) {
    switch (typenum) {
    case NPY_BOOL: return DT_BOOL;
    case NPY_BYTE: return DT_INT8;
    case NPY_SHORT: return DT_INT16;
    case NPY_INT: return DT_INT32;
    case NPY_LONG: case NPY_LONGLONG: return DT_INT64;
    case NPY_UBYTE: return DT_UINT8;
    case NPY_USHORT: return DT_UINT16;
    case NPY_UINT: return DT_UINT32;
    case NPY_ULONG: case NPY_ULONGLONG: return DT_UINT64;
    case NPY_FLOAT: return DT_FLOAT32;
    case NPY_DOUBLE: return DT_FLOAT64;
    case NPY_CFLOAT: return DT_COMPLEX64;
    case NPY_CDOUBLE: return DT_COMPLEX128;
    default: return -1;
    }
}

int rt_dtype_of_object(PyObject *obj) {
    if (!numpy_ready()) return -1;
    PyArray_Descr *d = NULL;
    if (!PyArray_DescrConverter2(obj, &d) || !d) {
        PyErr_Clear();
        return -1;
    }
    int dt = PyDataType_ISNOTSWAPPED(d) ? dtype_of_npy(d->type_num) : -1;
    Py_DECREF(d);
    return dt;
}

int rt_dtype_of_type_object(PyObject *obj) {
    PyObject *name = PyType_Check(obj) ? NULL : PyObject_GetAttrString(obj, "_ember_dtype");
    int dt = name ? rt_dtype_of_object(name) : -1;
    Py_XDECREF(name);
    PyErr_Clear();
    return dt;
}

/* numpy.matrix and numpy.ma.MaskedArray, found once their module is imported (no instance can
 * exist before); owner: this file, under the GIL. */
static PyObject *matrix_class, *masked_class;

static PyObject *class_in(const char *module, const char *name) {
    PyObject *mname = PyUnicode_FromString(module);
    PyObject *mod = mname ? PyImport_GetModule(mname) : NULL;
    Py_XDECREF(mname);
    PyObject *cls = mod ? PyObject_GetAttrString(mod, name) : NULL;
    Py_XDECREF(mod);
    if (cls && !PyType_Check(cls)) Py_CLEAR(cls);
    PyErr_Clear();
    return cls;
}

static bool is_subclass_of(PyTypeObject *tp, PyObject **cls, const char *module, const char *name) {
    if (!*cls) *cls = class_in(module, name);
    return *cls && PyType_IsSubtype(tp, (PyTypeObject *)*cls);
}

static bool overrides(PyTypeObject *tp, const char *method) {
    PyObject *mine = PyObject_GetAttrString((PyObject *)tp, method);
    PyObject *base = PyObject_GetAttrString((PyObject *)&PyArray_Type, method);
    PyErr_Clear();
    bool r = mine != base;
    Py_XDECREF(mine);
    Py_XDECREF(base);
    return r;
}

/* An ndarray subclass is typed as an ndarray (np.memmap, classes that only add attributes)
 * unless it changes what operations mean; then this says how (NULL: it does not). Only
 * subclasses get here, never an exact ndarray, so the call path does not pay for it. */
static const char *subclass_problem(PyTypeObject *tp) {
    if (is_subclass_of(tp, &masked_class, "numpy.ma", "MaskedArray"))
        return "compiled code would read the data and silently ignore the mask";
    if (is_subclass_of(tp, &matrix_class, "numpy", "matrix"))
        return "numpy.matrix makes * a matrix product and keeps every row 2-d, which compiled code would not";
    if (overrides(tp, "__array_ufunc__") || overrides(tp, "__array_function__"))
        return "the class defines its own __array_ufunc__ or __array_function__, so NumPy operations on it "
               "mean something compiled code would not do";
    return NULL;
}

/* subclass_problem's verdicts on the last ndarray subclasses seen, so that an np.memmap argument
 * does not look its class up on every call. Each entry holds a reference to its type, so the
 * address cannot be reused by another class. Owner: this file, under the GIL. */
static struct { PyTypeObject *tp; const char *problem; } seen_subclasses[8];
static unsigned seen_next;

static const char *subclass_problem_seen(PyTypeObject *tp) {
    for (int i = 0; i < 8; i++)
        if (seen_subclasses[i].tp == tp) return seen_subclasses[i].problem;
    const char *problem = subclass_problem(tp);
    PyTypeObject *old = seen_subclasses[seen_next % 8].tp;
    seen_subclasses[seen_next % 8].tp = (PyTypeObject *)Py_NewRef(tp);
    seen_subclasses[seen_next % 8].problem = problem;
    seen_next++;
    Py_XDECREF(old);
    return problem;
}

/* Array types of arguments, memoised by (dtype, ndim, layout, readonly, unaligned) for the
 * call path. An array whose data or strides are not multiples of its dtype's alignment
 * (NumPy's ALIGNED flag) has an unaligned type, so aligned arrays keep their own code. */
static const Type *array_types[DT_COUNT][9][3][2][2];

/* ---- structured arrays ---------------------------------------------------------------- */
/* The record type of a structured dtype whose fields are ember dtypes in native order, sub-arrays
 * of them ('pos', f8, 3), strings ('U8') or records of such fields (nested, one level per call);
 * NULL if it has another. */
static const Type *record_of(PyArray_Descr *d) {
    if (d->type_num == NPY_UNICODE)   /* a string array's element ('U8'): native order, at least one code point */
        return PyDataType_ISNOTSWAPPED(d) && PyDataType_ELSIZE(d) >= 4 ? ty_chars((int64_t)PyDataType_ELSIZE(d) / 4) : NULL;
    PyObject *names = PyDataType_NAMES(d), *fields = PyDataType_FIELDS(d);
    if (!names || !PyTuple_Check(names) || !fields || !PyDict_Check(fields)) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    if (n < 1 || n > 64) return NULL;
    const char *fnames[64];
    int dts[64];
    size_t offs[64];
    const Type *recs[64] = {0};
    int64_t dims[64][NPY_MAXDIMS + 1];
    const int64_t *shapes[64] = {0};
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *info = PyDict_GetItem(fields, PyTuple_GET_ITEM(names, i));   /* (descr, offset[, title]) */
        if (!info || !PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 2) return NULL;
        PyArray_Descr *fd = (PyArray_Descr *)PyTuple_GET_ITEM(info, 0);
        long long off = PyLong_AsLongLong(PyTuple_GET_ITEM(info, 1));
        if (off < 0 || PyErr_Occurred()) return PyErr_Clear(), NULL;
        if (PyDataType_HASSUBARRAY(fd)) {   /* ('pos', f8, (2, 3)): base f8, shape (2, 3) */
            PyArray_ArrayDescr *sub = PyDataType_SUBARRAY(fd);
            PyObject *shape = sub->shape;
            Py_ssize_t k = PyTuple_Check(shape) ? PyTuple_GET_SIZE(shape) : 1;
            if (k < 1 || k > NPY_MAXDIMS) return NULL;
            dims[i][0] = k;
            for (Py_ssize_t j = 0; j < k; j++) {
                long long v = PyLong_AsLongLong(PyTuple_Check(shape) ? PyTuple_GET_ITEM(shape, j) : shape);
                if (v < 0 || PyErr_Occurred()) return PyErr_Clear(), NULL;
                dims[i][j + 1] = v;
            }
            shapes[i] = dims[i];
            fd = sub->base;
            if (PyDataType_HASFIELDS(fd) || PyDataType_HASSUBARRAY(fd)) return NULL;   /* a sub-array of records */
        }
        if (PyDataType_HASFIELDS(fd)) {
            if (!(recs[i] = record_of(fd))) return NULL;
            dts[i] = TY_FIELD_RECORD;
        } else if (fd->type_num == NPY_UNICODE && PyDataType_ISNOTSWAPPED(fd) && !shapes[i]) {   /* 'U8' */
            dts[i] = TY_FIELD_UNICODE;
            dims[i][0] = 1;
            dims[i][1] = (int64_t)PyDataType_ELSIZE(fd) / 4;
            shapes[i] = dims[i];
        } else if (!PyDataType_ISNOTSWAPPED(fd) || (dts[i] = dtype_of_npy(fd->type_num)) < 0) {
            return NULL;
        }
        if (!(fnames[i] = PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, i)))) return PyErr_Clear(), NULL;
        offs[i] = (size_t)off;
    }
    return ty_record((int)n, fnames, dts, offs, recs, shapes, (size_t)PyDataType_ELSIZE(d),
                     (PyDataType_FLAGS(d) & NPY_ALIGNED_STRUCT) != 0, false, false);
}

/* Structured dtypes seen last, with their record types and the array types made of them. Each
 * entry holds a reference to its descr, so that no other dtype can come to live at its address;
 * owner: this file, under the GIL. */
static struct SeenRecord {
    PyArray_Descr *descr;
    const Type *rec;   /* NULL: not a dtype ember takes */
    const Type *arrays[9][3][2][2];
} seen_records[8];
static int seen_records_next;

static struct SeenRecord *seen_record(PyArray_Descr *d) {
    for (int i = 0; i < 8; i++)
        if (seen_records[i].descr == d) return &seen_records[i];
    struct SeenRecord *e = &seen_records[seen_records_next++ % 8];
    Py_XDECREF(e->descr);
    memset(e, 0, sizeof *e);
    e->descr = (PyArray_Descr *)Py_NewRef((PyObject *)d);
    e->rec = record_of(d);
    return e;
}

/* Whether some field of a's records lies off its alignment (a packed dtype, an odd offset or
 * stride): then compiled code reads them one byte at a time. */
static bool record_unaligned(PyArrayObject *a, const Type *rec) {
    uintptr_t data = (uintptr_t)PyArray_BYTES(a);
    for (int i = 0; i < rec->n; i++) {
        size_t al = ty_record_align(rec, i);
        if ((data + rec->offsets[i]) % al) return true;
        for (int k = 0; k < PyArray_NDIM(a); k++)
            if (PyArray_DIMS(a)[k] > 1 && (size_t)PyArray_STRIDES(a)[k] % al) return true;
    }
    return false;
}

const Type *rt_record_of(PyObject *dtype) {
    if (!numpy_ready() || !PyArray_DescrCheck(dtype) || !PyDataType_HASFIELDS((PyArray_Descr *)dtype)) return NULL;
    return seen_record((PyArray_Descr *)dtype)->rec;
}

/* A record passed alone (np.void, a[i] in Python: a view of a's bytes, or a copy of its own): its
 * bytes are read and written where they are. */
static const Type *typeof_void(PyObject *v) {
    PyVoidScalarObject *s = (PyVoidScalarObject *)v;
    if (!s->descr || !PyDataType_HASFIELDS(s->descr)) return NULL;
    const Type *rec = seen_record(s->descr)->rec;
    if (!rec) return NULL;
    bool un = false;
    for (int i = 0; i < rec->n; i++) un |= ((uintptr_t)s->obval + rec->offsets[i]) % ty_record_align(rec, i) != 0;
    return ty_record_flags(rec, !(s->flags & NPY_ARRAY_WRITEABLE), un);
}

int rt_unbox_record(const Type *t, PyObject *o, void *out) {
    if (!numpy_ready() || !PyArray_IsScalar(o, Void)) return 1;
    const Type *rt = typeof_void(o);
    if (!rt || !ty_same_fields(rt, t) || (rt->readonly && !t->readonly) || (rt->unaligned && !t->unaligned)) return 1;
    *(char **)out = ((PyVoidScalarObject *)o)->obval;
    return 0;
}

static const Type *typeof_recarray(PyArrayObject *a) {
    struct SeenRecord *e = seen_record(PyArray_DESCR(a));
    if (!e->rec) return NULL;
    int nd = PyArray_NDIM(a), flags = PyArray_FLAGS(a);
    int lay = flags & NPY_ARRAY_C_CONTIGUOUS ? 0 : flags & NPY_ARRAY_F_CONTIGUOUS ? 1 : 2;
    int ro = !(flags & NPY_ARRAY_WRITEABLE), un = record_unaligned(a, e->rec);
    if (nd > 8) return ty_recarray(e->rec, nd, "CFA"[lay], ro, un);
    const Type **slot = &e->arrays[nd][lay][ro][un];
    if (!*slot) *slot = ty_recarray(e->rec, nd, "CFA"[lay], ro, un);
    return *slot;
}

static const Type *typeof_array(PyArrayObject *a) {
    PyArray_Descr *d = PyArray_DESCR(a);
    int dt = dtype_of_npy(d->type_num);
    if (Py_TYPE(a) != &PyArray_Type && subclass_problem_seen(Py_TYPE(a))) return NULL;
    if (PyDataType_HASFIELDS(d) || d->type_num == NPY_UNICODE) return typeof_recarray(a);
    if (dt < 0 || !PyArray_ISNOTSWAPPED(a)) return NULL;
    int nd = PyArray_NDIM(a), flags = PyArray_FLAGS(a);
    int lay = flags & NPY_ARRAY_C_CONTIGUOUS ? 0 : flags & NPY_ARRAY_F_CONTIGUOUS ? 1 : 2;
    int ro = !(flags & NPY_ARRAY_WRITEABLE), un = !(flags & NPY_ARRAY_ALIGNED);
    if (nd <= 8) {
        const Type **slot = &array_types[dt][nd][lay][ro][un];
        if (!*slot) *slot = ty_array_full(dt, nd, "CFA"[lay], ro, un);
        return *slot;
    }
    return ty_array_full(dt, nd, "CFA"[lay], ro, un);
}

/* ---- why an argument has no type ----------------------------------------------------- */
/* "is a float16 array, which ember does not support: <why>; <what to do>" for an array argument
 * typeof_array rejects. `name` is how the user spells the argument (its parameter name). */
static void explain_array(PyArrayObject *a, const char *name, char *buf, size_t len) {
    PyArray_Descr *d = PyArray_DESCR(a);
    PyTypeObject *tp = Py_TYPE(a);
    const char *sub = tp != &PyArray_Type ? subclass_problem(tp) : NULL;
    PyObject *str = PyObject_Str((PyObject *)d);
    const char *dname = str ? PyUnicode_AsUTF8(str) : NULL;
    if (!dname) {
        PyErr_Clear();
        dname = "?";
    }
    const char *ns = "which ember does not support:";
    if (sub && is_subclass_of(tp, &masked_class, "numpy.ma", "MaskedArray"))
        snprintf(buf, len, "is a numpy.ma.MaskedArray, %s %s; pass %s.filled(value), %s.compressed(), or %s.data and "
                 "%s.mask as two arrays", ns, sub, name, name, name, name);
    else if (sub && is_subclass_of(tp, &matrix_class, "numpy", "matrix"))
        snprintf(buf, len, "is a numpy.matrix, %s %s; pass np.asarray(%s)", ns, sub, name);
    else if (sub)
        snprintf(buf, len, "is a %.100s (a numpy.ndarray subclass), %s %s; pass np.asarray(%s) to compute on the "
                 "plain array", tp->tp_name, ns, sub, name);
    else if (d->type_num == NPY_HALF)
        snprintf(buf, len, "is a float16 array, %s half precision is not an ember dtype; pass %s.astype(np.float32)", ns, name);
    else if (d->type_num == NPY_LONGDOUBLE || d->type_num == NPY_CLONGDOUBLE)
        snprintf(buf, len, "is a %s array, %s extended precision is not an ember dtype; pass %s.astype(np.%s)", dname, ns,
                 name, d->type_num == NPY_LONGDOUBLE ? "float64" : "complex128");
    else if (d->type_num == NPY_OBJECT)
        snprintf(buf, len, "is an array of dtype object, %s its elements are Python objects, which compiled code "
                 "cannot hold; convert it to a numeric dtype, e.g. %s.astype(np.float64)", ns, name);
    else if (PyDataType_HASFIELDS(d))
        snprintf(buf, len, "is a structured array of dtype %.200s, %s its fields must be numbers (bool, int8-64, "
                 "uint8-64, float32/64, complex64/128) in native byte order, sub-arrays of numbers, str ('U') fields or "
                 "records of such fields (not byte strings, nor sub-arrays of records or strings); pass such a field as "
                 "its own array (%s['field'], a view)", dname, ns, name);
    else if (d->type_num == NPY_DATETIME || d->type_num == NPY_TIMEDELTA)
        snprintf(buf, len, "is a %s array, %s dates and durations are not ember dtypes; pass %s.view(np.int64) (counts "
                 "of the unit) and convert back after", dname, ns, name);
    else if (d->type_num == NPY_STRING)
        snprintf(buf, len, "is an array of byte strings (dtype %s), %s compiled code takes str arrays ('U') but not bytes; "
                 "pass %s.astype(str)", dname, ns, name);
    else if (d->type_num == NPY_UNICODE || d->kind == 'T')
        snprintf(buf, len, "is an array of strings of dtype %s, %s compiled code takes str arrays of NumPy's 'U' dtype in "
                 "native byte order; pass %s.astype('U')", dname, ns, name);
    else if (d->type_num == NPY_VOID)
        snprintf(buf, len, "is an array of raw bytes (dtype %s), %s pass %s.view(np.uint8)", dname, ns, name);
    else if (dtype_of_npy(d->type_num) >= 0 && !PyArray_ISNOTSWAPPED(a)) {
        PyObject *r = PyObject_GetAttrString((PyObject *)d, "str");
        const char *code = r ? PyUnicode_AsUTF8(r) : NULL;
        if (!code) PyErr_Clear();
        const char *dt = ty_dtypes[dtype_of_npy(d->type_num)].name;
        snprintf(buf, len, "is %s %s array in non-native byte order ('%s'), %s compiled code reads native-endian "
                 "numbers; convert it once with %s.astype(%s.dtype.newbyteorder('='))", dt[0] == 'i' ? "an" : "a", dt,
                 code ? code : "?", ns, name, name);
        Py_XDECREF(r);
    } else
        snprintf(buf, len, "is an array of dtype %s, %s it is not an ember dtype (bool, int8-64, uint8-64, float32/64, "
                 "complex64/128)", dname, ns);
    Py_XDECREF(str);
}

/* What a value of a Python type ember takes no argument of is, and what to pass instead. */
static void explain_object(PyObject *v, const char *name, char *buf, size_t len) {
    const char *ns = "which ember does not support:";
    if (PyUnicode_Check(v))
        snprintf(buf, len, "is a str, %s compiled code works on numbers and arrays (a string can be a constant "
                 "inside the function, not an argument)", ns);
    else if (PyByteArray_Check(v) || PyMemoryView_Check(v))
        snprintf(buf, len, "is a %s, %s pass an array over its memory, np.frombuffer(%s, dtype=...)", Py_TYPE(v)->tp_name,
                 ns, name);
    else if (PyList_Check(v))
        snprintf(buf, len, PyList_GET_SIZE(v) ? "is a list of %s items, %s a list argument holds numbers, strings, tuples, "
                 "arrays or lists, its type taken from its first item" : "is an empty list, %s%s its element type cannot be known; "
                 "make the list inside the function, or pass a non-empty one", PyList_GET_SIZE(v) ? Py_TYPE(PyList_GET_ITEM(v, 0))->tp_name : "", ns);
    else if (PyDict_Check(v))
        snprintf(buf, len, "is a dict, %s a dict argument maps numbers, strings or tuples of these to values of one type, "
                 "taken from its first item (an empty dict has none)", ns);
    else if (PyAnySet_Check(v) && PySet_GET_SIZE(v) == 0)
        snprintf(buf, len, "is an empty %s, %s its item type cannot be known; make the set inside the function",
                 Py_TYPE(v)->tp_name, ns);
    else if (PyAnySet_Check(v))
        snprintf(buf, len, "is a %s, %s %ss are not taken as arguments; pass arrays or tuples of numbers",
                 Py_TYPE(v)->tp_name, ns, Py_TYPE(v)->tp_name);
    else if (!strcmp(Py_TYPE(v)->tp_name, "ember.typed.List") || !strcmp(Py_TYPE(v)->tp_name, "ember.typed.Dict"))
        snprintf(buf, len, "is an empty typed %s with no %s type yet, %s make it with typed.%s to give it one, "
                 "or add an item first", Py_TYPE(v)->tp_name + 12, Py_TYPE(v)->tp_name[12] == 'L' ? "item" : "key and value",
                 ns, Py_TYPE(v)->tp_name[12] == 'L' ? "List.empty_list(item_type)" : "Dict.empty(key_type, value_type)");
    else if (!strcmp(Py_TYPE(v)->tp_name, "numpy.datetime64") || !strcmp(Py_TYPE(v)->tp_name, "numpy.timedelta64"))
        snprintf(buf, len, "is a %s, %s dates and durations are not ember types; pass its count of the unit, "
                 "%s.astype(np.int64), and convert back after", Py_TYPE(v)->tp_name, ns, name);
    else if (PyFunction_Check(v) || PyCFunction_Check(v))
        snprintf(buf, len, "is a plain Python function, %s Python functions are not taken as arguments; "
                 "pass an @njit function (compiled functions are)", ns);
    else
        snprintf(buf, len, "has type '%.100s', %s arguments are numbers (bool, int, float, complex, NumPy scalars), "
                 "None, NumPy arrays and tuples of these", Py_TYPE(v)->tp_name, ns);
}

void rt_explain_untyped(PyObject *v, const char *name, char *buf, size_t len) {
    PyErr_Clear();
    if (numpy_ready() && PyArray_Check(v)) {
        explain_array((PyArrayObject *)v, name, buf, len);
        return;
    }
    if (PyTuple_Check(v) && PyTuple_GET_SIZE(v) > 64) {
        snprintf(buf, len, "is a tuple of %zd elements, which ember does not support: tuples have at most 64",
                 PyTuple_GET_SIZE(v));
        return;
    }
    for (Py_ssize_t i = 0; PyTuple_Check(v) && i < PyTuple_GET_SIZE(v); i++) {
        if (rt_typeof(PyTuple_GET_ITEM(v, i))) continue;
        char ename[128], inner[900];
        snprintf(ename, sizeof ename, "%.100s[%zd]", name, i);
        rt_explain_untyped(PyTuple_GET_ITEM(v, i), ename, inner, sizeof inner);
        snprintf(buf, len, "is a tuple whose element %zd %s", i, inner);
        return;
    }
    explain_object(v, name, buf, len);
}

/* The type of a NumPy scalar of exactly a builtin scalar type, as rt_typeof_argument gives it
 * (np.int32: int32, np.int64: int64, np.float32: float32), or NULL: the call path's shortcut past
 * the checks for every other kind of value. The table is made once NumPy's API is loaded (it holds
 * the types); owner: this file, under the GIL. */
static const Type *numpy_scalar_type(PyTypeObject *tp) {
    static struct { PyTypeObject *tp; const Type *t; } exact[15];
    if (!exact[0].tp) {
        const struct { PyTypeObject *tp; int dt; } dts[15] = {
            {&PyBoolArrType_Type, DT_BOOL},      {&PyByteArrType_Type, DT_INT8},        {&PyShortArrType_Type, DT_INT16},
            {&PyIntArrType_Type, DT_INT32},      {&PyLongArrType_Type, DT_INT64},       {&PyLongLongArrType_Type, DT_INT64},
            {&PyUByteArrType_Type, DT_UINT8},    {&PyUShortArrType_Type, DT_UINT16},    {&PyUIntArrType_Type, DT_UINT32},
            {&PyULongArrType_Type, DT_UINT64},   {&PyULongLongArrType_Type, DT_UINT64}, {&PyFloatArrType_Type, DT_FLOAT32},
            {&PyDoubleArrType_Type, DT_FLOAT64}, {&PyCFloatArrType_Type, DT_COMPLEX64}, {&PyCDoubleArrType_Type, DT_COMPLEX128},
        };
        for (int k = 0; k < 15; k++) {
            int dt = dts[k].dt;
            /* np.int64, np.float64, np.complex128: their TY_NARROW, strong in NumPy's promotion as they are
             * to NumPy (int32 array + np.int64(1) is int64 where + 1 is int32); held as the canonical scalar */
            exact[k].t = dt == DT_BOOL ? ty_bool : dt == DT_UINT64 ? ty_uint64
                       : ty_state->npscalar[dt] ? ty_state->npscalar[dt] : ty_state->narrow[dt];
            exact[k].tp = dts[k].tp;
        }
    }
    for (int k = 0; k < 15; k++)
        if (exact[k].tp == tp) return exact[k].t;
    return NULL;
}

const Type *rt_typeof_argument(PyObject *v) {
    PyTypeObject *tp = Py_TYPE(v);
    const Type *st = tp != &PyFloat_Type && tp != &PyLong_Type && numpy_ready() && tp != &PyArray_Type
                   ? numpy_scalar_type(tp) : NULL;   /* (Python's own numbers and arrays go on at once) */
    if (!st && numpy_ready() && (PyArray_IsScalar(v, Datetime) || PyArray_IsScalar(v, Timedelta))) return NULL;
    if (st) return st;
    if (PyBytes_Check(v)) return ty_array_full(DT_UINT8, 1, 'C', true, false);   /* its bytes, read-only, as Numba's Bytes */
    if (PyByteArray_Check(v)) return ty_array_full(DT_UINT8, 1, 'C', false, false);   /* a bytearray's, writable */
    const Type *t = rt_typeof(v);
    if (t == ty_complex128 && !PyComplex_CheckExact(v) && numpy_ready() && PyArray_IsScalar(v, CFloat))
        return ty_state->narrow[DT_COMPLEX64];   /* an np.complex64: a complex64, as Numba's */
    if (t == ty_int64 && !PyLong_CheckExact(v) && numpy_ready() && PyArray_IsScalar(v, Integer)) {
        PyArray_Descr *d = PyArray_DescrFromScalar(v);   /* an np.uint8 ... np.uint32: that type, as Numba's */
        int dt = d ? dtype_of_npy(d->type_num) : -1;
        Py_XDECREF(d);
        if (dt >= 0 && ty_state->narrow[dt] && ty_dtypes[dt].size < 8) return ty_state->narrow[dt];
    }
    return t == ty_float64 && !PyFloat_CheckExact(v) && numpy_ready() && PyArray_IsScalar(v, Float) ? ty_float32 : t;
}

/* Which parts of a slice are given (1 start, 2 stop, 4 step, as TY_SLICE's mask); -1 where a
 * part is neither None nor an integer (slice('a')). */
int rt_slice_mask(PyObject *v) {
    PySliceObject *s = (PySliceObject *)v;
    PyObject *part[3] = {s->start, s->stop, s->step};
    int mask = 0;
    for (int i = 0; i < 3; i++) {
        if (part[i] == Py_None) continue;
        if (!PyIndex_Check(part[i]) || PyBool_Check(part[i])) return -1;
        mask |= 1 << i;
    }
    return mask;
}

const Type *rt_typeof(PyObject *v) {
    const Type *t = ty_typeof(v);
    if (!t && PySlice_Check(v)) {   /* slice(1, n, 2): Numba's SliceType */
        int mask = rt_slice_mask(v);
        return mask >= 0 ? ty_slice(mask) : NULL;
    }
    if (!t && (t = rt_typeof_typed(v))) return t;
    if (!t && (t = rt_typeof_instance(v))) return t;
    if (!t && PyList_Check(v)) return rt_typeof_list(v);
    if (!t && PyDict_Check(v)) return rt_typeof_dict(v);
    if (!t && PyAnySet_Check(v)) return rt_typeof_set(v);
    if (t || !numpy_ready()) return t;
    if (PyArray_Check(v)) return typeof_array((PyArrayObject *)v);
    if (PyArray_IsScalar(v, Void)) return typeof_void(v);
    if (PyArray_IsScalar(v, Bool)) return ty_bool;
    if (PyArray_IsScalar(v, Datetime) || PyArray_IsScalar(v, Timedelta)) return NULL;   /* (NumPy's integers, but dates) */
    if (PyArray_IsScalar(v, ULongLong) || PyArray_IsScalar(v, ULong)) return ty_uint64;
    if (PyArray_IsScalar(v, Integer)) return ty_int64;
    if (PyArray_IsScalar(v, Floating)) return ty_float64;
    if (PyArray_IsScalar(v, ComplexFloating)) return ty_complex128;
    if (rt_is_generator(v)) return ty_rng;
    if (PyArray_DescrCheck(v) || (PyType_Check(v) && PyType_IsSubtype((PyTypeObject *)v, &PyGenericArrType_Type))) {
        const Type *rec = PyArray_DescrCheck(v) ? rt_record_of(v) : NULL;   /* a dtype, np.float32: Numba's DType */
        if (rec) return ty_recdtype(rec);
        int dt = rt_dtype_of_object(v);
        return dt >= 0 ? ty_dtype(dt) : NULL;
    }
    if (PyTuple_Check(v)) {   /* a tuple holding arrays */
        Py_ssize_t n = PyTuple_GET_SIZE(v);
        const Type *elems[64];
        if (n > 64) return NULL;
        for (Py_ssize_t i = 0; i < n; i++)
            if (!(elems[i] = rt_typeof(PyTuple_GET_ITEM(v, i)))) return NULL;
        const Type *named = Py_TYPE(v) != &PyTuple_Type ? ty_named_tuple((PyObject *)Py_TYPE(v), (int)n, elems) : NULL;
        return named ? named : ty_tuple((int)n, elems);
    }
    return NULL;
}

/* An ndarray into an array of type t: the argument's type may be more specific than t (C or F
 * into A, writable into readonly) but never less. */
int rt_unbox_array(const Type *t, PyObject *o, void *out) {
    bool bytes = PyBytes_Check(o);
    if (bytes || PyByteArray_Check(o)) {   /* a uint8 array over its memory, the object its parent: read-only
                                            * for bytes, writes land in a bytearray */
        if (t->kind != TY_ARRAY || t->dtype != DT_UINT8 || t->ndim != 1 || (bytes && !t->readonly)) return 1;
        RtArray *r = out;
        r->meminfo = NULL;
        r->parent = o;
        r->data = bytes ? PyBytes_AS_STRING(o) : PyByteArray_AS_STRING(o);
        r->dims[0] = bytes ? PyBytes_GET_SIZE(o) : PyByteArray_GET_SIZE(o);
        r->dims[1] = 1;
        return 0;
    }
    if (!numpy_ready() || !PyArray_Check(o)) return 1;
    PyArrayObject *a = (PyArrayObject *)o;
    const Type *at = typeof_array(a);
    if (!at || at->kind != t->kind || at->ndim != t->ndim) return 1;
    if (t->kind == TY_ARRAY ? at->dtype != t->dtype : !ty_same_fields(at->rec, t->rec))
        return 1;   /* a structured array's fields must be the same */
    if (t->layout != 'A' && at->layout != t->layout && !(t->ndim <= 1)) return 1;
    if (at->readonly && !t->readonly) return 1;
    if (at->unaligned && !t->unaligned) return 1;   /* as Numba: an aligned signature takes aligned arrays */
    RtArray *r = out;
    int nd = t->ndim;
    r->meminfo = NULL;
    r->parent = o;
    r->data = PyArray_BYTES(a);
    for (int i = 0; i < nd; i++) {
        r->dims[i] = PyArray_DIMS(a)[i];
        r->dims[nd + i] = PyArray_STRIDES(a)[i];
    }
    return 0;
}

static void capsule_free(PyObject *cap) {
    rt_block_decref(PyCapsule_GetPointer(cap, "ember.block"));
}

/* A read-only NumPy array over an array value's memory, holding no reference: valid only while
 * the compiled frame that owns the value waits (print). */
PyObject *rt_array_view(int dtype, int ndim, const void *p) {
    const RtArray *r = p;
    npy_intp shape[NPY_MAXDIMS], strides[NPY_MAXDIMS];
    if (dtype < 0 || dtype >= DT_COUNT || ndim < 0 || ndim > NPY_MAXDIMS)
        return PyErr_Format(PyExc_SystemError, "ember: bad array view %d/%d", dtype, ndim);
    for (int i = 0; i < ndim; i++) {
        shape[i] = r->dims[i];
        strides[i] = r->dims[ndim + i];
    }
    if (!numpy_ready() && rt_numpy_init()) return NULL;
    PyArray_Descr *descr = PyArray_DescrFromType(ty_dtypes[dtype].npy);
    return descr ? PyArray_NewFromDescr(&PyArray_Type, descr, ndim, shape, strides, r->data, 0, NULL) : NULL;
}

PyObject *rt_field_shape(const Type *rec, int f) {
    const int64_t *sh = rec->fshapes[f];
    PyObject *shape = PyTuple_New((Py_ssize_t)sh[0]);
    for (int64_t k = 0; shape && k < sh[0]; k++) PyTuple_SET_ITEM(shape, k, PyLong_FromLongLong(sh[k + 1]));
    return shape;
}

/* The NumPy dtype of record type rec: its fields at their offsets, its itemsize. */
static PyArray_Descr *record_descr(const Type *rec) {
    if (ty_is_chars(rec)) {   /* a string array's: 'U<n>' */
        PyObject *code = PyUnicode_FromFormat("U%lld", (long long)ty_record_nchars(rec, 0));
        PyArray_Descr *d = NULL;
        if (code && !PyArray_DescrConverter(code, &d)) d = NULL;
        Py_XDECREF(code);
        return d;
    }
    PyObject *names = PyList_New(rec->n), *formats = PyList_New(rec->n), *offsets = PyList_New(rec->n), *spec = NULL;
    PyArray_Descr *d = NULL;
    for (int i = 0; names && formats && offsets && i < rec->n; i++) {
        PyList_SET_ITEM(names, i, PyUnicode_FromString(rec->fnames[i]));
        PyObject *f = rec->fdtypes[i] == TY_FIELD_RECORD ? (PyObject *)record_descr(rec->elems[i])
                    : rec->fdtypes[i] == TY_FIELD_UNICODE ? PyUnicode_FromFormat("U%lld", (long long)ty_record_nchars(rec, i))
                    : (PyObject *)PyArray_DescrFromType(ty_dtypes[rec->fdtypes[i]].npy);
        if (f && ty_record_sub_ndim(rec, i)) {   /* a sub-array: (dtype, shape) */
            PyObject *shape = rt_field_shape(rec, i);
            f = shape ? Py_BuildValue("(NN)", f, shape) : (Py_DECREF(f), NULL);
        }
        PyList_SET_ITEM(formats, i, f);
        PyList_SET_ITEM(offsets, i, PyLong_FromSize_t(rec->offsets[i]));
    }
    if (names && formats && offsets && !PyErr_Occurred())
        spec = Py_BuildValue("{sOsOsOsnsO}", "names", names, "formats", formats, "offsets", offsets, "itemsize",
                             (Py_ssize_t)rec->itemsize, "aligned", rec->aligned_struct ? Py_True : Py_False);
    if (spec && !PyArray_DescrConverter(spec, &d)) d = NULL;
    Py_XDECREF(names);
    Py_XDECREF(formats);
    Py_XDECREF(offsets);
    Py_XDECREF(spec);
    return d;
}

/* A record returned to Python: a numpy.record holding a copy of its bytes, as Numba returns one
 * (the record lies in an argument's memory: typeinfer/infer.c). */
PyObject *rt_box_record(const Type *t, const void *p) {
    if (!numpy_ready() && rt_numpy_init()) return NULL;
    static PyObject *record_class;   /* numpy.record; owner: this file, under the GIL */
    if (!record_class && !(record_class = class_in("numpy", "record"))) return NULL;
    PyArray_Descr *plain = record_descr(ty_record_flags(t, false, false));
    PyObject *d = plain ? PyObject_CallFunction((PyObject *)&PyArrayDescr_Type, "((OO))", record_class, plain) : NULL;
    Py_XDECREF(plain);
    if (!d) return NULL;
    PyObject *r = PyArray_Scalar(*(char *const *)p, (PyArray_Descr *)d, NULL);   /* no base: a copy */
    Py_DECREF(d);
    return r;
}

PyObject *rt_box_dtype(const Type *t) {
    if (!numpy_ready() && rt_numpy_init()) return NULL;
    if (t->kind == TY_RECDTYPE) return (PyObject *)record_descr(t->rec);
    return (PyObject *)PyArray_DescrFromType(ty_dtypes[t->dtype].npy);
}

/* Box an array value, taking over its reference to its block. */
PyObject *rt_box_array(const Type *t, const void *p) {
    const RtArray *r = p;
    int nd = t->ndim;
    npy_intp shape[NPY_MAXDIMS], strides[NPY_MAXDIMS];
    for (int i = 0; i < nd; i++) {
        shape[i] = r->dims[i];
        strides[i] = r->dims[nd + i];
    }
    if (!numpy_ready() && rt_numpy_init()) {   /* (a bytes argument returned: NumPy not imported yet) */
        rt_block_decref(r->meminfo);
        return NULL;
    }
    /* the caller's ndarray: borrowed from the call's arguments, or held by a block (cg_keep) */
    PyObject *whole = !r->meminfo ? r->parent
                      : r->meminfo->size == HOLDS_OBJECT ? *(PyObject **)ember_rt_block_data(r->meminfo) : NULL;
    if (whole && PyArray_Check(whole)) {
        PyArrayObject *pa = (PyArrayObject *)whole;
        if (PyArray_BYTES(pa) == r->data && PyArray_NDIM(pa) == nd &&
            !memcmp(PyArray_DIMS(pa), shape, sizeof(npy_intp) * (size_t)nd) &&
            !memcmp(PyArray_STRIDES(pa), strides, sizeof(npy_intp) * (size_t)nd) &&
            (t->kind == TY_RECARRAY ? seen_record(PyArray_DESCR(pa))->rec && ty_same_fields(seen_record(PyArray_DESCR(pa))->rec, t->rec)
                                    : dtype_of_npy(PyArray_DESCR(pa)->type_num) == t->dtype)) {
            Py_INCREF(whole);
            rt_block_decref(r->meminfo);
            return whole;
        }
    }
    if (!r->meminfo && !r->parent) {   /* constant data in the code (a global array): a copy */
        PyArray_Descr *d = PyArray_DescrFromType(ty_dtypes[t->dtype].npy);
        PyObject *view = d ? PyArray_NewFromDescr(&PyArray_Type, d, nd, shape, strides, r->data, 0, NULL) : NULL;
        PyObject *copy = view ? PyArray_NewCopy((PyArrayObject *)view, NPY_CORDER) : NULL;
        Py_XDECREF(view);
        return copy;
    }
    /* a view of the caller's structured array keeps its dtype and class (np.recarray) */
    bool structured = t->kind == TY_RECARRAY && whole && PyArray_Check(whole) &&
                      PyDataType_HASFIELDS(PyArray_DESCR((PyArrayObject *)whole)) &&
                      seen_record(PyArray_DESCR((PyArrayObject *)whole))->rec &&
                      ty_same_fields(seen_record(PyArray_DESCR((PyArrayObject *)whole))->rec, t->rec);
    PyArray_Descr *descr = structured ? (PyArray_Descr *)Py_NewRef((PyObject *)PyArray_DESCR((PyArrayObject *)whole))
                         : t->kind == TY_RECARRAY ? record_descr(t->rec)
                                                  : PyArray_DescrFromType(ty_dtypes[t->dtype].npy);
    int flags = t->readonly ? 0 : NPY_ARRAY_WRITEABLE;
    PyObject *arr = descr ? PyArray_NewFromDescr(structured ? Py_TYPE(whole) : &PyArray_Type, descr, nd, shape, strides,
                                                 r->data, flags, NULL)
                          : NULL;
    PyObject *base = NULL;
    if (arr) {
        if (r->meminfo) base = PyCapsule_New(r->meminfo, "ember.block", capsule_free);
        else base = Py_XNewRef(r->parent);
    }
    if (!base) {
        Py_XDECREF(arr);
        rt_block_decref(r->meminfo);
        return NULL;
    }
    if (PyArray_SetBaseObject((PyArrayObject *)arr, base) < 0) {   /* steals base */
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

/* numpy scalars as numbers */
/* A Python float or a NumPy floating scalar (np.float32 is not a float subclass, np.float64 is). */
bool rt_is_float_scalar(PyObject *o) {
    return PyFloat_Check(o) || (numpy_ready() && PyArray_IsScalar(o, Floating));
}

/* The value of a NumPy integer scalar of exactly a builtin type as an int64 (a uint64 by its bits). */
static bool exact_int_value(PyObject *o, int64_t *v) {
    PyTypeObject *tp = Py_TYPE(o);
    if (tp == &PyIntArrType_Type) *v = PyArrayScalar_VAL(o, Int);
    else if (tp == &PyLongArrType_Type) *v = PyArrayScalar_VAL(o, Long);
    else if (tp == &PyLongLongArrType_Type) *v = PyArrayScalar_VAL(o, LongLong);
    else if (tp == &PyUIntArrType_Type) *v = PyArrayScalar_VAL(o, UInt);
    else if (tp == &PyULongArrType_Type) *v = (int64_t)PyArrayScalar_VAL(o, ULong);
    else if (tp == &PyULongLongArrType_Type) *v = (int64_t)PyArrayScalar_VAL(o, ULongLong);
    else if (tp == &PyShortArrType_Type) *v = PyArrayScalar_VAL(o, Short);
    else if (tp == &PyUShortArrType_Type) *v = PyArrayScalar_VAL(o, UShort);
    else if (tp == &PyByteArrType_Type) *v = PyArrayScalar_VAL(o, Byte);
    else if (tp == &PyUByteArrType_Type) *v = PyArrayScalar_VAL(o, UByte);
    else return false;
    return true;
}

int rt_unbox_numpy_scalar(const Type *t, PyObject *o, void *out) {
    if (!numpy_ready() || !PyArray_CheckScalar(o) || PyArray_Check(o)) return 1;
    int64_t iv;
    if ((t == ty_int64 || t == ty_uint64) && exact_int_value(o, &iv)) {   /* (no Python int made on the way) */
        *(int64_t *)out = iv;
        return 0;
    }
    if (t == ty_float64 && Py_TYPE(o) == &PyFloatArrType_Type) {
        *(double *)out = PyArrayScalar_VAL(o, Float);
        return 0;
    }
    if (t == ty_float64 && exact_int_value(o, &iv) && Py_TYPE(o) != &PyULongArrType_Type &&
        Py_TYPE(o) != &PyULongLongArrType_Type) {
        *(double *)out = (double)iv;
        return 0;
    }
    if (t == ty_bool && PyArray_IsScalar(o, Bool)) {
        *(unsigned char *)out = PyObject_IsTrue(o) == 1;
        return 0;
    }
    if ((t == ty_int64 || t == ty_uint64) && (PyArray_IsScalar(o, Integer) || PyArray_IsScalar(o, Bool))) {
        PyObject *i = PyNumber_Long(o);
        if (!i) return -1;
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(i, &overflow);
        if (overflow) v = (long long)PyLong_AsUnsignedLongLongMask(i);   /* uint64 wraps */
        Py_DECREF(i);
        *(int64_t *)out = v;
        return 0;
    }
    if (t == ty_float64 && !PyArray_IsScalar(o, ComplexFloating)) {
        double d = PyFloat_AsDouble(o);
        if (d == -1.0 && PyErr_Occurred()) return -1;
        *(double *)out = d;
        return 0;
    }
    if (t == ty_complex128) {
        Py_complex c = PyComplex_AsCComplex(o);
        if (c.real == -1.0 && PyErr_Occurred()) return -1;
        memcpy(out, &c, sizeof c);
        return 0;
    }
    return 1;
}
