import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Answers whether a payout to the farmer's account is in flight (registered by the payouts module). */
export type PayoutInFlightCheck = (em: EntityManager, farmerId: string) => Promise<boolean>;

/**
 * Lets the payouts module tell the farmer registry that a payout to a farmer is in flight, without
 * the farmers module importing payouts (which imports farmers). FarmersService asks it, with the
 * farmer row locked, before changing payout details; the payouts side locks the same row before it
 * issues a payout, so the two cannot interleave.
 */
@Injectable()
export class FarmerPayoutGuard {
  private readonly checks: PayoutInFlightCheck[] = [];

  register(check: PayoutInFlightCheck): void {
    this.checks.push(check);
  }

  async hasPayoutInFlight(em: EntityManager, farmerId: string): Promise<boolean> {
    for (const check of this.checks) if (await check(em, farmerId)) return true;
    return false;
  }
}
