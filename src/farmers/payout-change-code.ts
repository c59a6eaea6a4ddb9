import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Checks the SMS code of a payout-account change in the caller's transaction (marks it used, or
 * counts a wrong try). Registered by the farmer app, which owns the codes and sends them.
 */
export type PayoutCodeVerifier = (em: EntityManager, farmer: { id: string; phone: string }, code: string) => Promise<boolean>;

/**
 * Lets the farmer registry demand a fresh SMS code for a payout change without importing the
 * notifications side (which imports farmers). With no verifier registered every change is refused:
 * a process that cannot check codes must not change payout accounts.
 */
@Injectable()
export class PayoutChangeCodeCheck {
  private verifier: PayoutCodeVerifier | undefined;

  register(verifier: PayoutCodeVerifier): void {
    this.verifier = verifier;
  }

  async verify(em: EntityManager, farmer: { id: string; phone: string }, code: string): Promise<boolean> {
    if (!this.verifier) throw new Error('no payout-change code verifier registered (FarmerAppModule not loaded)');
    return this.verifier(em, farmer, code);
  }
}
