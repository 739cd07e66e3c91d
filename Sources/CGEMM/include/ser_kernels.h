#ifndef SER_KERNELS_H
#define SER_KERNELS_H
#include "ser_gemm.h"
// The element-wise passes of training around ser's GEMM (see kernels.c): vectorised for the CPU at hand (AVX-512,
// AVX2 or plain C, as `ser_gemm_current_kernel` chooses), with the same operations in the same order on every
// element, so every CPU gives the same bits.

/// One Adam update of `count` weights, element by element in float:
/// m ← m + (g − m)·c1;  v ← v + (g·g − v)·c2;  w ← w − (m·alpha) / (sqrt(v) + eps).
/// (adam.c: vectors near the subnormal range are computed exactly in double precision, without the CPU's slow
/// subnormal path.)
void ser_adam(long count, float *w, float *m, float *v, const float *g, float c1, float c2, float alpha, float eps);

/// `ser_adam` with the given kernel (or the best one the CPU has, when it lacks that one): for tests.
void ser_adam_with(ser_gemm_kernel kernel, long count, float *w, float *m, float *v, const float *g, float c1, float c2,
                   float alpha, float eps);

/// dy[i] = y[i] > 0 ? dy[i] : 0 (the ReLU's gradient, 0 at 0 and for NaN).
void ser_mask_relu(long count, float *dy, const float *y);

/// out[j] = ((0 + x[0][j]) + x[1][j]) + … + x[rows − 1][j] for j < n (x is rows × n, row-major); when
/// `accumulate` is non-zero the sums start from out[j] instead of 0 (a sum continued over more rows).
void ser_column_sums(long rows, long n, const float *x, float *out, int accumulate);

/// dst[i] = dst[i] + src[i].
void ser_add(long count, float *dst, const float *src);

/// Max-pooling over non-overlapping pairs of rows of `batch` samples of `length` rows × `channels`: output row t of
/// a sample is, element by element, second > first ? second : first with first = row 2t, second = row 2t + 1.
void ser_max_pool_pairs(long batch, long length, long channels, const float *x, float *y);

/// Its gradient: of each pair, the row forward chose gets dy and the other 0 (second > first ? (0, dy) : (dy, 0));
/// an odd last row gets 0. With `relu` non-zero it is also the gradient of the ReLU below, in the same pass: the
/// chosen row gets dy only where its x > 0 (as `ser_mask_relu` would leave it afterwards, bit for bit).
void ser_max_pool_pairs_backward(long batch, long length, long channels, const float *x, const float *dy, float *dx,
                                 int relu);

/// y = xᵀ: x is rows × columns, y columns × rows, both row-major (copies only).
void ser_transpose(long rows, long columns, const float *x, float *y);

/// Conv1D's column matrix (stride 1): for each sample b and output step t < out_length, the row
/// cols[(b · out_length + t) · kernel · channels + j · channels + c] = x[b][t − pad_left + j][c], or 0 where
/// t − pad_left + j falls outside 0 ..< length.
void ser_im2col(long batch, long length, long channels, long kernel, long out_length, long pad_left,
                const float *x, float *cols);

/// The same windows in rows of kernel · channels + 1 floats, the last one 1: the weight-gradient product colsᵀ · dy
/// then also gives the bias gradient, the sums of dy's columns, as its last row (fma(1, y, s) = s + y, so the
/// same bits as `ser_column_sums`).
void ser_im2col_ones(long batch, long length, long channels, long kernel, long out_length, long pad_left,
                     const float *x, float *cols);

/// Its adjoint: dx = 0, then for each sample, for t = 0, 1, … and j = 0, 1, … in that order,
/// dx[b][t − pad_left + j][c] += cols[(b · out_length + t)][j · channels + c] (inside the sample only).
void ser_col2im(long batch, long length, long channels, long kernel, long out_length, long pad_left,
                const float *cols, float *dx);

#endif
