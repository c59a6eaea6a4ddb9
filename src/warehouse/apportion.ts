/**
 * Splits inputs (quantities q_i) over outputs (sizes c_j, Σc = Σq) in proportion, in whole units:
 * a[i][j] starts at floor(q_i·c_j / Σq), then each output's shortfall is filled from the inputs
 * with the largest remainders. Every row sums to q_i and every column to c_j exactly.
 */
export function apportion(inputs: number[], outputs: number[]): number[][] {
  const total = inputs.reduce((s, q) => s + q, 0);
  if (total !== outputs.reduce((s, c) => s + c, 0)) throw new RangeError('inputs and outputs must have the same total');
  if (total === 0) return inputs.map(() => outputs.map(() => 0));
  const big = BigInt(total);
  const a = inputs.map((q) => outputs.map((c) => Number((BigInt(q) * BigInt(c)) / big)));
  const rowLeft = inputs.map((q, i) => q - a[i].reduce((s, x) => s + x, 0));
  outputs.forEach((c, j) => {
    let need = c - a.reduce((s, row) => s + row[j], 0);
    const order = inputs.map((q, i) => ({ i, rem: Number((BigInt(q) * BigInt(c)) % big) })).sort((x, y) => y.rem - x.rem || x.i - y.i);
    while (need > 0) {
      for (const { i } of order) {
        if (need === 0) break;
        if (rowLeft[i] === 0) continue;
        const give = Math.min(rowLeft[i], need, 1);
        a[i][j] += give;
        rowLeft[i] -= give;
        need -= give;
      }
    }
  });
  return a;
}

/**
 * Splits an amount (fen) over weights in proportion, largest remainder: floor(amount·w_i / Σw), the
 * shortfall going one fen each to the largest remainders (ties: lower index). Sums to the amount exactly.
 */
export function apportionAmount(amount: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total === 0) {
    if (amount !== 0) throw new RangeError('cannot split a non-zero amount over zero weights');
    return weights.map(() => 0);
  }
  const sign = amount < 0 ? -1n : 1n;
  const abs = BigInt(Math.abs(amount));
  const big = BigInt(total);
  const parts = weights.map((w) => (abs * BigInt(w)) / big);
  let need = abs - parts.reduce((s, x) => s + x, 0n);
  const order = weights.map((w, i) => ({ i, rem: (abs * BigInt(w)) % big })).sort((x, y) => (y.rem > x.rem ? 1 : y.rem < x.rem ? -1 : x.i - y.i));
  for (const { i } of order) {
    if (need === 0n) break;
    parts[i] += 1n;
    need -= 1n;
  }
  return parts.map((x) => Number(sign * x));
}

/**
 * Cumulative allocation: the units of `contributions` allocated once `cumulative` units in all are
 * taken, by `apportion` (largest remainder), less what `allocated` already holds. Taking differences
 * of cumulative figures means successive draws never drift; in the rare case a larger total gives
 * one input a smaller share (the largest-remainder paradox), that input gets 0 and the excess is
 * taken back from the largest positive deltas (ties: lower index), so no delta is ever negative.
 */
export function cumulativeDeltas(contributions: number[], allocated: number[], cumulative: number): number[] {
  const total = contributions.reduce((s, q) => s + q, 0);
  const target = apportion(contributions, [cumulative, total - cumulative]).map((row) => row[0]);
  const deltas = target.map((t, i) => Math.min(Math.max(t - allocated[i], 0), contributions[i] - allocated[i]));
  const wanted = cumulative - allocated.reduce((s, a) => s + a, 0);
  let excess = deltas.reduce((s, d) => s + d, 0) - wanted;
  while (excess > 0) {
    let k = 0;
    for (let i = 1; i < deltas.length; i++) if (deltas[i] > deltas[k]) k = i;
    deltas[k] -= 1;
    excess -= 1;
  }
  while (excess < 0) {
    // Only after clamping at a contribution's remainder; give to the inputs with room, lowest index first.
    const k = deltas.findIndex((d, i) => allocated[i] + d < contributions[i]);
    deltas[k] += 1;
    excess += 1;
  }
  return deltas;
}
