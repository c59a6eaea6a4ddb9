import { OutgoingSms, SmsProvider } from '../sms-provider';

/**
 * Development and test provider: sends nothing. The message row (with its rendered body) is the
 * stored message, listed at GET /api/v1/admin/sms-messages?provider=outbox.
 */
export class OutboxSmsProvider implements SmsProvider {
  readonly name = 'outbox';

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    return { providerMessageId: `outbox-${sms.messageId}` };
  }
}
