import { InjectQueue } from '@nestjs/bull';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bull';
import { Public } from '../common/access/decorators';
import { QUEUES } from '../queues/queue-names';

@ApiTags('health 健康检查')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    @InjectQueue(QUEUES.DOMAIN_EVENTS) private readonly events: Queue,
    @InjectQueue(QUEUES.TIMED_JOBS) private readonly timedJobs: Queue,
    @InjectQueue(QUEUES.SMS) private readonly sms: Queue,
  ) {}

  @Get()
  @ApiOperation({ summary: '进程存活 Liveness: the process is up' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: '就绪：MariaDB 与 Redis 可达 Readiness: database and Redis reachable' })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      () => this.redisCheck(),
    ]);
  }

  /** Redis answers PING, and every queue's depth and failures are reported alongside. */
  private async redisCheck() {
    const check = this.indicator.check('redis');
    try {
      const client = await withTimeout(this.events.client.ping(), 2000);
      // Depth (waiting, delayed) and failures of every queue, for operators and alerts.
      const [domainEvents, timedJobs, sms] = await withTimeout(Promise.all([this.events, this.timedJobs, this.sms].map((q) => q.getJobCounts())), 2000);
      return client === 'PONG' ? check.up({ queues: { [QUEUES.DOMAIN_EVENTS]: domainEvents, [QUEUES.TIMED_JOBS]: timedJobs, [QUEUES.SMS]: sms } }) : check.down({ message: String(client) });
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
