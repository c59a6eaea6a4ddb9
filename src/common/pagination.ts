import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Every list pages the same way: keyset on the id, newest first. `cursor` is the last id of the
 * previous page; the answer carries `nextCursor` (null on the last page). Keyset pages stay fast on
 * tables of millions of rows, where OFFSET would scan everything it skips.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ description: '每页条数 page size', default: 50, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: '上一页最后一条的 id (cursor from the previous page)' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  cursor?: string;
}

export type Page<T> = { items: T[]; nextCursor: string | null };

export async function paginate<E extends ObjectLiteral & { id: string }, T>(
  qb: SelectQueryBuilder<E>,
  idColumn: string,
  query: PageQueryDto,
  map: (entity: E) => T,
): Promise<Page<T>> {
  const limit = keysetPage(qb, idColumn, query);
  return toPage(await qb.take(limit + 1).getMany(), limit, map, (e) => e.id);
}

/**
 * The same page for a query that selects raw columns (names from joined tables, one row per item, the
 * id selected AS id): LIMIT rather than TypeORM's `take`, which turns a query with joins into two.
 */
export async function paginateRaw<T>(
  qb: SelectQueryBuilder<ObjectLiteral>,
  idColumn: string,
  query: PageQueryDto,
  map: (raw: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const limit = keysetPage(qb, idColumn, query);
  return toPage(await qb.limit(limit + 1).getRawMany<Record<string, unknown>>(), limit, map, (r) => String(r.id));
}

function keysetPage(qb: SelectQueryBuilder<ObjectLiteral>, idColumn: string, query: PageQueryDto): number {
  if (query.cursor) qb.andWhere(`${idColumn} < :pageCursor`, { pageCursor: query.cursor });
  qb.orderBy(idColumn, 'DESC');
  return query.limit ?? 50;
}

function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, idOf: (row: R) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: rows.length > limit ? idOf(items[items.length - 1]) : null };
}
