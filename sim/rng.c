/* rng.c: Philox4x32-10 (Random123) as a gsl_rng type.
 * One Philox call turns a 128-bit counter into four 32-bit words. A refill
 * computes NBLOCK consecutive counters at once (independent chains the
 * processor overlaps) and get hands their words out one at a time, in
 * counter order: the stream is the same as one block at a time. */
#include "rng.h"

#include <string.h>

/* Random123's C API. Its header compiles without warnings under our flags
 * (gcc 12 and clang, -O0 to -O3), so no diagnostic pragmas are needed. */
#include <Random123/philox.h>

#define NBLOCK 4
#define NWORD (4 * NBLOCK)

/* The counter's words 0-1 hold the block number within the run (low word
 * first), words 2-3 the 64-bit run index; the key is the 64-bit seed.
 * out holds the NBLOCK blocks from ctr on, and word[next] is the next word
 * to return. */
typedef struct philox_state {
    philox4x32_ctr_t ctr;
    philox4x32_key_t key;
    uint32_t word[NWORD];
    unsigned next;
} philox_state;

/* Computes the NBLOCK blocks from s->ctr on; the carry makes the block
 * number a full 64-bit count. */
static void philox_fill(philox_state *s)
{
    philox4x32_ctr_t c[NBLOCK], out[NBLOCK];
    int b, j;

    c[0] = s->ctr;
    for (b = 1; b < NBLOCK; b++) {
        c[b] = c[b - 1];
        if (++c[b].v[0] == 0)
            c[b].v[1]++;
    }
    for (b = 0; b < NBLOCK; b++)
        out[b] = philox4x32_R(10, c[b], s->key);
    for (b = 0; b < NBLOCK; b++)
        for (j = 0; j < 4; j++)
            s->word[4 * b + j] = out[b].v[j];
    s->next = 0;
}

/* Moves on to the next NBLOCK blocks. */
static void philox_refill(philox_state *s)
{
    uint32_t lo = s->ctr.v[0];
    s->ctr.v[0] = lo + NBLOCK;
    if (s->ctr.v[0] < lo)
        s->ctr.v[1]++;
    philox_fill(s);
}

static void philox_position(philox_state *s, uint64_t seed, uint64_t run)
{
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)(seed >> 32);
    s->ctr.v[0] = 0;
    s->ctr.v[1] = 0;
    s->ctr.v[2] = (uint32_t)run;
    s->ctr.v[3] = (uint32_t)(run >> 32);
    philox_fill(s);
}

static void philox_set(void *vstate, unsigned long int seed)
{
    philox_position(vstate, (uint64_t)seed, 0);
}

static unsigned long int philox_get(void *vstate)
{
    philox_state *s = vstate;

    if (__builtin_expect(s->next == NWORD, 0))
        philox_refill(s);
    return s->word[s->next++];
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

/* One block only (a phase often needs a few words): it goes last in the
 * buffer, as if the buffer had begun NBLOCK - 1 blocks earlier, so that the
 * next refill continues with the block after it, exactly as a refill from
 * the substream's start would. The borrow keeps the 64-bit block number
 * right when minor is 0. */
void fs_rng_substream(gsl_rng *r, uint32_t major, uint32_t minor)
{
    philox_state *s = r->state;
    philox4x32_ctr_t c = s->ctr, out;
    int j;

    c.v[0] = minor << 20;
    c.v[1] = major;
    out = philox4x32_R(10, c, s->key);
    for (j = 0; j < 4; j++)
        s->word[4 * (NBLOCK - 1) + j] = out.v[j];
    s->ctr.v[0] = c.v[0] - (NBLOCK - 1);
    s->ctr.v[1] = major - (c.v[0] < NBLOCK - 1);
    s->next = 4 * (NBLOCK - 1);
}
