import { PayoutChannelAdapter, PayoutRequest, ProviderResult } from './payout-channel';
import { PayoutChannel } from './payout.entity';

/**
 * What the sandbox does with the next pay call: SUCCEED; FAIL (nothing paid); UNKNOWN (paid, but the
 * answer is "processing" — a later query says PAID); CRASH_AFTER_PAY (paid, then the call throws, as
 * if our process or the network died after the provider moved the money); THROW_BEFORE_PAY (the call
 * never reached the provider).
 */
export type SandboxOutcome = 'SUCCEED' | 'FAIL' | 'UNKNOWN' | 'CRASH_AFTER_PAY' | 'THROW_BEFORE_PAY';

type Record_ = { status: 'PAID' | 'FAILED'; amountFen: number; account: string | null; answeredProcessing: boolean };

/**
 * The provider side of the sandbox, shared by every adapter instance in the process (the API, the
 * in-process test worker): tests script outcomes per request number or per payee account and read
 * how many times each request number was actually paid.
 */
export class SandboxPayoutProvider {
  private static readonly byRequestNo = new Map<string, SandboxOutcome[]>();
  private static readonly byAccount = new Map<string, SandboxOutcome[]>();
  private static readonly records = new Map<string, Record_>();
  private static readonly paidCounts = new Map<string, number>();

  static scriptRequest(requestNo: string, ...outcomes: SandboxOutcome[]): void {
    this.byRequestNo.set(requestNo, [...(this.byRequestNo.get(requestNo) ?? []), ...outcomes]);
  }

  /** Outcomes for the next payouts to this account number (or 'CASH'-less WeChat payees: their name). */
  static scriptAccount(account: string, ...outcomes: SandboxOutcome[]): void {
    this.byAccount.set(account, [...(this.byAccount.get(account) ?? []), ...outcomes]);
  }

  /** How many times money actually moved under this request number (must never exceed 1). */
  static timesPaid(requestNo: string): number {
    return this.paidCounts.get(requestNo) ?? 0;
  }

  static allPaidCounts(): Map<string, number> {
    return new Map(this.paidCounts);
  }

  static pay(req: PayoutRequest): ProviderResult {
    const known = this.records.get(req.requestNo);
    // Idempotent by request number, as real providers are.
    if (known) return { status: known.status, providerRef: `SBX-${req.requestNo}` };
    const key = req.payee.accountNumber ?? req.payee.name;
    const outcome = this.byRequestNo.get(req.requestNo)?.shift() ?? this.byAccount.get(key)?.shift() ?? 'SUCCEED';
    const paid = (answeredProcessing: boolean) => {
      this.records.set(req.requestNo, { status: 'PAID', amountFen: req.amountFen, account: req.payee.accountNumber, answeredProcessing });
      this.paidCounts.set(req.requestNo, (this.paidCounts.get(req.requestNo) ?? 0) + 1);
    };
    switch (outcome) {
      case 'SUCCEED':
        paid(false);
        return { status: 'PAID', providerRef: `SBX-${req.requestNo}` };
      case 'FAIL':
        this.records.set(req.requestNo, { status: 'FAILED', amountFen: req.amountFen, account: req.payee.accountNumber, answeredProcessing: false });
        return { status: 'FAILED', failureReason: '收款账户异常 payee account rejected (sandbox)' };
      case 'UNKNOWN':
        paid(true);
        return { status: 'PROCESSING' };
      case 'CRASH_AFTER_PAY':
        paid(false);
        throw new Error('sandbox: connection reset after the provider accepted the payment');
      case 'THROW_BEFORE_PAY':
        throw new Error('sandbox: provider unreachable');
    }
  }

  static query(requestNo: string): ProviderResult | { status: 'NOT_FOUND' } {
    const r = this.records.get(requestNo);
    if (!r) return { status: 'NOT_FOUND' };
    return r.status === 'PAID' ? { status: 'PAID', providerRef: `SBX-${requestNo}` } : { status: 'FAILED', failureReason: '收款账户异常 payee account rejected (sandbox)' };
  }
}

/** The sandbox adapter for one channel (development and tests; PAYOUT_PROVIDER=sandbox). */
export class SandboxPayoutAdapter implements PayoutChannelAdapter {
  constructor(readonly channel: PayoutChannel) {}

  async pay(request: PayoutRequest): Promise<ProviderResult> {
    return SandboxPayoutProvider.pay(request);
  }

  async query(requestNo: string): Promise<ProviderResult | { status: 'NOT_FOUND' }> {
    return SandboxPayoutProvider.query(requestNo);
  }
}
