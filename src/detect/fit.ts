/** Logistic regression by Newton's method with a small L2 penalty: the detector's calibration fit. */

/**
 * Returns [bias, ...weights] maximising the penalised log-likelihood of labels y given rows X,
 * each row counted `sampleWeights[n]` times (default once).
 */
export function fitLogistic(X: number[][], y: number[], lambda = 1e-3, iterations = 50, sampleWeights?: readonly number[]): number[] {
  const dim = X[0].length + 1;
  let w = new Array(dim).fill(0);
  for (let iter = 0; iter < iterations; iter++) {
    const g = new Array(dim).fill(0);
    const H = Array.from({ length: dim }, () => new Array(dim).fill(0));
    for (let n = 0; n < X.length; n++) {
      const x = [1, ...X[n]];
      const z = x.reduce((a, xi, k) => a + xi * w[k], 0);
      const p = 1 / (1 + Math.exp(-z));
      const c = sampleWeights?.[n] ?? 1;
      for (let a = 0; a < dim; a++) {
        g[a] += c * (p - y[n]) * x[a];
        for (let b = 0; b < dim; b++) H[a][b] += c * p * (1 - p) * x[a] * x[b];
      }
    }
    for (let a = 1; a < dim; a++) {
      g[a] += lambda * w[a];
      H[a][a] += lambda;
    }
    const step = solve(H, g);
    w = w.map((wi, k) => wi - step[k]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return w;
}

/** Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c || M[c][c] === 0) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => (row[i] === 0 ? 0 : row[n] / row[i]));
}
