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
