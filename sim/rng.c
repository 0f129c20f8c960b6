/* rng.c: Philox4x32-10 (Random123) as a gsl_rng type.
 * One Philox call turns a 128-bit counter into four 32-bit words; get hands
 * them out one at a time and only calls Philox again when all four are used. */
#include "rng.h"

#include <string.h>

/* Random123's C API. Its header compiles without warnings under our flags
 * (gcc 12 and clang, -O0 to -O3), so no diagnostic pragmas are needed. */
#include <Random123/philox.h>

/* The counter's words 0-1 hold the block number within the run (low word
 * first), words 2-3 the 64-bit run index; the key is the 64-bit seed.
 * out holds the block at ctr, and out.v[next] is the next word to return. */
typedef struct philox_state {
    philox4x32_ctr_t ctr;
    philox4x32_key_t key;
    philox4x32_ctr_t out;
    unsigned next;
} philox_state;

/* Moves to the next block and computes it; the carry makes the block
 * number a full 64-bit count. */
static void philox_refill(philox_state *s)
{
    if (++s->ctr.v[0] == 0)
        s->ctr.v[1]++;
    s->out = philox4x32_R(10, s->ctr, s->key);
    s->next = 0;
}

static void philox_position(philox_state *s, uint64_t seed, uint64_t run)
{
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)(seed >> 32);
    s->ctr.v[0] = 0;
    s->ctr.v[1] = 0;
    s->ctr.v[2] = (uint32_t)run;
    s->ctr.v[3] = (uint32_t)(run >> 32);
    s->out = philox4x32_R(10, s->ctr, s->key);
    s->next = 0;
}

static void philox_set(void *vstate, unsigned long int seed)
{
    philox_position(vstate, (uint64_t)seed, 0);
}

static unsigned long int philox_get(void *vstate)
{
    philox_state *s = vstate;

    if (__builtin_expect(s->next == 4, 0))
        philox_refill(s);
    return s->out.v[s->next++];
}

/* u / 2^32 lies in [0, 1): 1 itself is never returned, as GSL requires. */
static double philox_get_double(void *vstate)
{
    return (double)philox_get(vstate) * 0x1p-32;
}

static const gsl_rng_type philox_type = {
    FS_RNG_NAME,
    0xffffffffUL,
    0,
    sizeof(philox_state),
    philox_set,
    philox_get,
    philox_get_double
};

const gsl_rng_type *fs_rng_philox = &philox_type;

gsl_rng *fs_rng_alloc(void)
{
    gsl_rng *r = gsl_rng_alloc(fs_rng_philox);

    if (r == NULL)
        return NULL;
    /* gsl_rng_alloc seeds with gsl_rng_default_seed, which a caller may
     * have changed; the contract is stream (0, 0). */
    fs_rng_seed(r, 0, 0);
    return r;
}

void fs_rng_seed(gsl_rng *r, uint64_t seed, uint64_t run)
{
    philox_position(r->state, seed, run);
}
