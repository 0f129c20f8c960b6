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

#define NBLOCK 4   /* philox_blocks assumes 4 */
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

/* One block, for a substream's start: scalar code, whose two independent
 * multiplies a round finish sooner than one SSE2 multiply and its
 * shuffles. */
static void philox_block(philox4x32_ctr_t c, philox4x32_key_t key, uint32_t *word)
{
    philox4x32_ctr_t out = philox4x32_R(10, c, key);
    int j;

    for (j = 0; j < 4; j++)
        word[j] = out.v[j];
}

#ifdef __SSE2__
#include <emmintrin.h>

/* philox4x32_R(10, c[b], key) for the NBLOCK = 4 counters c, into word[4b
 * + j], with SSE2 (every x86-64 has it): word j of two blocks sits in the
 * low halves of the two 64-bit lanes of one register, and one
 * _mm_mul_epu32 makes both blocks' 64-bit products. The high halves carry
 * leftovers that no low half ever reads. The same words as Random123's
 * scalar code, as the tests check. */
static void philox_blocks(const philox4x32_ctr_t *c, philox4x32_key_t key, uint32_t *word)
{
    const __m128i m0 = _mm_set1_epi64x(PHILOX_M4x32_0), m1 = _mm_set1_epi64x(PHILOX_M4x32_1);
    __m128i x[2][4];
    uint32_t k0 = key.v[0], k1 = key.v[1];
    uint64_t lane[2];
    int h, j, round;

    for (h = 0; h < 2; h++)
        for (j = 0; j < 4; j++)
            x[h][j] = _mm_set_epi64x(c[2 * h + 1].v[j], c[2 * h].v[j]);
    for (round = 0; round < 10; round++) {
        const __m128i K0 = _mm_set1_epi64x(k0), K1 = _mm_set1_epi64x(k1);
        for (h = 0; h < 2; h++) {
            __m128i p0 = _mm_mul_epu32(x[h][0], m0), p1 = _mm_mul_epu32(x[h][2], m1);
            x[h][0] = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p1, 32), x[h][1]), K0);
            x[h][1] = p1;
            x[h][2] = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p0, 32), x[h][3]), K1);
            x[h][3] = p0;
        }
        k0 += PHILOX_W32_0;
        k1 += PHILOX_W32_1;
    }
    for (h = 0; h < 2; h++)
        for (j = 0; j < 4; j++) {
            _mm_storeu_si128((__m128i *)lane, x[h][j]);
            word[4 * (2 * h) + j] = (uint32_t)lane[0];
            word[4 * (2 * h + 1) + j] = (uint32_t)lane[1];
        }
}

#else
static void philox_blocks(const philox4x32_ctr_t *c, philox4x32_key_t key, uint32_t *word)
{
    int b;

    for (b = 0; b < NBLOCK; b++)
        philox_block(c[b], key, word + 4 * b);
}
#endif

/* Computes the NBLOCK blocks from s->ctr on; the carry makes the block
 * number a full 64-bit count. */
static void philox_fill(philox_state *s)
{
    philox4x32_ctr_t c[NBLOCK];
    int b;

    c[0] = s->ctr;
    for (b = 1; b < NBLOCK; b++) {
        c[b] = c[b - 1];
        if (++c[b].v[0] == 0)
            c[b].v[1]++;
    }
    philox_blocks(c, s->key, s->word);
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
    philox4x32_ctr_t c = s->ctr;

    c.v[0] = minor << 20;
    c.v[1] = major;
    philox_block(c, s->key, s->word + 4 * (NBLOCK - 1));
    s->ctr.v[0] = c.v[0] - (NBLOCK - 1);
    s->ctr.v[1] = major - (c.v[0] < NBLOCK - 1);
    s->next = 4 * (NBLOCK - 1);
}
