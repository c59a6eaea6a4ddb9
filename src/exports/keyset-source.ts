import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * What a list hands to the exporter: how many rows its filters match (for the inline cap) and the
 * rows themselves, read newest first in keyset chunks.
 */
export type ExportSource<R> = {
  count: () => Promise<number>;
  rows: (chunkRows: number) => AsyncIterable<R>;
};

export type KeysetOptions<R> = {
  /** the id column the list pages on, e.g. 'c.id' */
  idColumn: string;
  /** replaces the list's selection with the export's columns (joins for names go here); must select the id as `id` */
  select: (qb: SelectQueryBuilder<ObjectLiteral>) => SelectQueryBuilder<ObjectLiteral>;
  /** raw row → export row (BIGINT strings to numbers, codes to names) */
  map: (raw: Record<string, unknown>) => R;
};

/**
 * An export source over a list's own query builder (same filters and scope as the list).
 * Each chunk is `… AND id < :last ORDER BY id DESC LIMIT n`: one index range per chunk, no OFFSET,
 * so a million-row export reads each row once and holds one chunk at a time. The next chunk is read
 * only when the consumer asks for it, so a slow client slows the reads (backpressure).
 */
export function keysetSource<E extends ObjectLiteral, R>(qb: SelectQueryBuilder<E>, options: KeysetOptions<R>): ExportSource<R> {
  return {
    count: () => qb.clone().getCount(),
    rows: (chunkRows: number) => ({
      async *[Symbol.asyncIterator]() {
        let last: string | null = null;
        for (;;) {
          const chunkQb = options.select(qb.clone() as unknown as SelectQueryBuilder<ObjectLiteral>);
          if (last !== null) chunkQb.andWhere(`${options.idColumn} < :exportKeysetLast`, { exportKeysetLast: last });
          const raws: Array<Record<string, unknown>> = await chunkQb.orderBy(options.idColumn, 'DESC').limit(chunkRows).getRawMany();
          for (const raw of raws) yield options.map(raw);
          if (raws.length < chunkRows) return;
          last = String(raws[raws.length - 1].id);
        }
      },
    }),
  };
}
