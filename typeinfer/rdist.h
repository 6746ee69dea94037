/* rdist.h: the distributions of rdist.def as kinds (RD_*), shared by typing (typeinfer/rdist.c),
 * lowering (codegen/lower_rdist.c) and the runtime (runtime/randdist.c). */
#ifndef EMBER_RDIST_H
#define EMBER_RDIST_H

enum {
#define RD(id, name, isint, nreq, ints, params) RD_##id,
#include "rdist.def"
#undef RD
    RD_COUNT,
    /* The functions of np.random beyond those of rdist.def, typed and lowered by hand: */
    RD_CHOICE = RD_COUNT, RD_SHUFFLE, RD_PERMUTATION, RD_DIRICHLET, RD_MULTINOMIAL,
    RD_RANDOM_SAMPLE,   /* np.random.ranf / sample: aliases of random_sample */
    RD_END,
    /* np.random.normal and uniform (and the Generator methods), in ember_rt_rdist_fill_bcast only:
     * their scalar forms are lowered by codegen/lower_nplib.c and lower_rng.c */
    RD_NORMAL = RD_END, RD_UNIFORM
};
enum { RNG_DIST = 64 };   /* a Generator method of this table: CallInfo.builtin is RNG_DIST + its RD_* */

#endif
