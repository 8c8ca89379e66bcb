#ifndef LILT_COPENBLAS_SHIM_H
#define LILT_COPENBLAS_SHIM_H
// Debian ships no cblas.pc; pkg-config's `openblas` puts the openblas-pthread include
// directory on the path, which holds this cblas.h (blasint is 32-bit).
#include <cblas.h>

// The build-time configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell MAX_THREADS=64".
char *openblas_get_config(void);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
#endif
