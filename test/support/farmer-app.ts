import { randomInt } from 'crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LedgerService } from '../../src/ledger/ledger.service';
import { AccountType, EntryKind, SaleChannel } from '../../src/ledger/ledger.enums';
import { as, Caller } from './http';

/** Rate-limit windows live in Redis across runs: every login uses a fresh IP. */
export const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** The newest code of a template sent to a phone, read from the outbox provider's stored message. */
export async function lastCode(ds: DataSource, phone: string, template = 'LOGIN_CODE'): Promise<string | undefined> {
  const [row] = await ds.query('SELECT params FROM sms_message WHERE recipient_phone = ? AND template = ? ORDER BY id DESC LIMIT 1', [phone, template]);
  return row?.params.code as string | undefined;
}

/** Logs a farmer in with the SMS code and returns a caller with the farmer token. */
export async function loginFarmer(http: Parameters<typeof request>[0], ds: DataSource, phone: string): Promise<Caller> {
  await request(http).post('/api/v1/farmer-auth/code').set('X-Forwarded-For', randomIp()).send({ phone }).expect(202);
  const res = await request(http).post('/api/v1/farmer-auth/login').send({ phone, code: await lastCode(ds, phone) }).expect(200);
  return as(http, res.body.accessToken);
}

/** Posts a sale earning on a channel as the sales module will (it does not exist on this branch). */
export async function postSaleEarning(ds: DataSource, ledger: LedgerService, p: { companyId: string; farmerId: string; amountFen: number; channel: SaleChannel; key?: string }): Promise<void> {
  await ds.transaction(async (em) => ledger.post(em, {
    companyId: p.companyId, sourceKey: p.key ?? `test-sale:${randomInt(1e12)}`, kind: EntryKind.EARNING,
    lines: [
      { accountId: await ledger.farmerAccount(em, p.companyId, p.farmerId), amountFen: p.amountFen, channel: p.channel, description: '测试销售 test sale' },
      { accountId: await ledger.companyAccount(em, p.companyId, AccountType.GOODS_COST), amountFen: -p.amountFen },
    ],
  }));
}

/** Asks for a payout-change code as staff (POST /farmers/:id/payout-code) and reads it from the stored SMS. */
export async function payoutChangeCode(caller: Caller, ds: DataSource, farmerId: string): Promise<string> {
  const res = await caller.post(`/api/v1/farmers/${farmerId}/payout-code`).expect(202);
  const [row] = await ds.query(`SELECT params FROM sms_message WHERE farmer_id = ? AND template = 'PAYOUT_CHANGE_CODE' ORDER BY id DESC LIMIT 1`, [farmerId]);
  if (!row) throw new Error(`no payout-change code sent (${JSON.stringify(res.body)})`);
  return row.params.code as string;
}
