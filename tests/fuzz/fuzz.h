/*
 * The fuzz harnesses: each defines fuzz_init and LLVMFuzzerTestOneInput.
 * make fuzz links them with libFuzzer; make unit links them with replay.c,
 * which runs every file of their corpus once (tests/fuzz.bats).
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
void fuzz_init(void);		/* once, before the first input */

/* a scratch folder of the run, removed at exit */
const char *fuzz_dir(void);
/* data written to the scratch file name (in fuzz_dir); its path */
const char *fuzz_file(const char *name, const uint8_t *, size_t);
/* a harness's own check: abort, which both drivers report as a finding */
#define FUZZ_CHECK(c) ((c) ? (void)0 : fuzz_fail(#c, __FILE__, __LINE__))
_Noreturn void fuzz_fail(const char *, const char *, int);
