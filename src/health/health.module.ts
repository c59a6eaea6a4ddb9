import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { TerminusModule } from '@nestjs/terminus';
import { QUEUES } from '../queues/queue-names';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), BullModule.registerQueue({ name: QUEUES.TIMED_JOBS }, { name: QUEUES.SMS })],
  controllers: [HealthController],
})
export class HealthModule {}
