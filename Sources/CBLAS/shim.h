#ifndef SER_CBLAS_SHIM_H
#define SER_CBLAS_SHIM_H
#include <cblas.h>

// OpenBLAS thread control (openblas_set_num_threads) is declared in cblas.h; nothing else to wrap.
#endif
