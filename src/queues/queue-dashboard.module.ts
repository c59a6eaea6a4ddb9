import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { timingSafeEqual } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config';
import { QUEUES } from './queue-names';

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** HTTP basic auth for the dashboard (its own UI cannot send our bearer tokens). */
export function basicAuth(user: string, password: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    const [u, ...rest] = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(':') : [];
    if (u !== undefined && same(u, user) && same(rest.join(':'), password)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
    res.status(401).json({ statusCode: 401, code: 'UNAUTHORIZED', message: '未登录或登录已过期', messageEn: 'Queue dashboard credentials required' });
  };
}

/**
 * bull-board (9.10.1) at /admin/queues in the API process, for admins holding
 * QUEUE_DASHBOARD_USER / QUEUE_DASHBOARD_PASSWORD (HTTP basic auth). Without both settings every
 * request is refused (404), so the dashboard is off by default.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const creds = config.getOrThrow<AppConfig>('app').queueDashboard;
        return {
          route: QUEUE_DASHBOARD_ROUTE, adapter: ExpressAdapter,
          middleware: creds ? basicAuth(creds.user, creds.password) : (_req: Request, res: Response) => { res.status(404).end(); },
        };
      },
    }),
    ...Object.values(QUEUES).map((name) => BullModule.registerQueue({ name })),
    ...Object.values(QUEUES).map((name) => BullBoardModule.forFeature({ name, adapter: BullAdapter })),
  ],
})
export class QueueDashboardModule {}
