import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Response } from 'express';
import { performance } from 'perf_hooks';
import { RuleViolationError } from '../common/errors/domain-error';
import { ExportsConfig } from '../config';
import { ExportColumn, ExportFormat, ExportRow } from './export-column';
import { sendBufferedExport, streamExport } from './export-writer';
import { ExportSource } from './keyset-source';

export type ExportDelivery = 'stream' | 'inline';

export type ExportRequest = {
  format: ExportFormat;
  /** `stream` (default): chunked download of any size; `inline`: one buffered file with Content-Length, capped */
  delivery?: ExportDelivery;
  /** without extension; Chinese is fine (sent as RFC 5987 filename*) */
  filename: string;
  columns: ExportColumn[];
  sheetName?: string;
};

/**
 * Sends exports. Any list (an ExportSource: count + keyset rows) or any other async iterable of rows
 * (dashboards) goes through here, so every file has the same format rules and limits.
 */
@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(private readonly config: ConfigService) {}

  private get settings(): ExportsConfig {
    return this.config.getOrThrow<ExportsConfig>('exports');
  }

  /** Exports a list source: streamed (any size, constant memory) or, capped, as one buffered file. */
  async sendSource<R extends object>(res: Response, request: ExportRequest, typedSource: ExportSource<R>): Promise<void> {
    const source = typedSource as unknown as ExportSource<ExportRow>;
    const { maxRowsInline, chunkRows } = this.settings;
    if (request.delivery === 'inline') {
      const count = await source.count();
      this.assertInline(count, maxRowsInline);
      await this.sendInline(res, request, source.rows(Math.min(chunkRows, maxRowsInline + 1)));
      return;
    }
    await this.sendStream(res, request, source.rows(chunkRows));
  }

  /** Streams any rows (constant memory; the caller's iterable decides how rows are read). */
  async sendStream(res: Response, request: ExportRequest, rows: AsyncIterable<ExportRow> | Iterable<ExportRow>): Promise<void> {
    const t0 = performance.now();
    const { rowCount, failed } = await streamExport(res, { ...request, rows });
    const ms = Math.round(performance.now() - t0);
    if (failed) this.logger.error({ filename: request.filename, format: request.format, ms, err: failed.message }, 'export failed mid-stream; response aborted');
    else this.logger.log({ filename: request.filename, format: request.format, rowCount, ms }, res.destroyed && !res.writableFinished ? 'export stopped: client went away' : 'export streamed');
  }

  /** One buffered file (rows already known to be few). Refuses more than EXPORT_MAX_ROWS_INLINE rows. */
  async sendInline(res: Response, request: ExportRequest, rows: AsyncIterable<ExportRow> | Iterable<ExportRow>): Promise<void> {
    const { maxRowsInline } = this.settings;
    let seen = 0;
    const capped = async function* (): AsyncGenerator<ExportRow> {
      for await (const row of rows) {
        if (++seen > maxRowsInline) throw tooLarge(seen, maxRowsInline);
        yield row;
      }
    };
    await sendBufferedExport(res, { ...request, rows: capped() });
  }

  /** 422 EXPORT_TOO_LARGE when a buffered export would exceed the cap. */
  assertInline(rowCount: number, maxRowsInline = this.settings.maxRowsInline): void {
    if (rowCount > maxRowsInline) throw tooLarge(rowCount, maxRowsInline);
  }
}

function tooLarge(rowCount: number, cap: number): RuleViolationError {
  return new RuleViolationError('EXPORT_TOO_LARGE',
    `导出行数 ${rowCount} 超过一次性下载上限 ${cap}，请使用流式下载（delivery=stream）`,
    `${rowCount} rows exceed the inline export cap of ${cap}; use the streamed download (delivery=stream)`,
    [{ field: 'delivery', message: `超过 ${cap} 行须用流式下载`, messageEn: `more than ${cap} rows must be streamed` }]);
}
