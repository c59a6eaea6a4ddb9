import { MicroBatcher } from './micro-batcher';

describe(MicroBatcher.name, () => {
  describe('add', () => {
    it('should run items that arrive together as one batch and give each caller its own outcome', async () => {
      const batches: number[][] = [];
      const sut = new MicroBatcher<number, number>(async (items) => {
        batches.push(items);
        return items.map((i) => (i === 2 ? new Error('two failed') : i * 10));
      });
      const outcomes = await Promise.allSettled([1, 2, 3].map((i) => sut.add(i)));
      expect(batches).toEqual([[1, 2, 3]]);
      expect(outcomes).toEqual([
        { status: 'fulfilled', value: 10 },
        { status: 'rejected', reason: new Error('two failed') },
        { status: 'fulfilled', value: 30 },
      ]);
    });

    it('should flush at the size cap and start a new batch for later items', async () => {
      const batches: number[][] = [];
      const sut = new MicroBatcher<number, number>(async (items) => {
        batches.push(items);
        return items;
      }, 50, 2);
      await Promise.all([1, 2, 3].map((i) => sut.add(i)));
      expect(batches).toEqual([[1, 2], [3]]);
    });

    it('should reject every caller of a batch that throws', async () => {
      const sut = new MicroBatcher<number, number>(async () => { throw new Error('down'); });
      await expect(Promise.all([sut.add(1), sut.add(2)])).rejects.toThrow('down');
    });
  });
});
