/**
 * Every SMS the service sends, in one place. Texts are Chinese and use `${name}` placeholders (the
 * Aliyun template syntax); `params` lists them in order (Tencent's TemplateParamSet is positional).
 * `validateTemplates` runs at boot: a placeholder without a declared parameter (or the reverse), or a
 * template without a provider template code, stops the process, so nothing fails at send time.
 */
export type SmsPolicy = {
  /** Sent only if the farmer agreed to SMS (login codes and replies to the farmer's own SMS always go). */
  requiresConsent: boolean;
  /** Waits for the end of quiet hours (login codes and replies never wait). */
  respectsQuietHours: boolean;
  /** Counts against the per-phone provider limits (deferred when over). */
  rateLimited: boolean;
};

export type SmsTemplateDef = { text: string; params: readonly string[]; policy: SmsPolicy };

const NOTICE: SmsPolicy = { requiresConsent: true, respectsQuietHours: true, rateLimited: true };
const ON_REQUEST: SmsPolicy = { requiresConsent: false, respectsQuietHours: false, rateLimited: true };
const LOGIN: SmsPolicy = { requiresConsent: false, respectsQuietHours: false, rateLimited: false };
/** Security notices (payout account changed): always go, at once, to the phone concerned. */
const SECURITY: SmsPolicy = { requiresConsent: false, respectsQuietHours: false, rateLimited: false };

export const SMS_TEMPLATES = {
  LOGIN_CODE: { text: '您的登录验证码为${code}，5分钟内有效，请勿告诉他人。', params: ['code'], policy: LOGIN },
  CONSIGNMENT_RECEIVED: { text: '${name}您好，您在${point}交售的货品已登记，单号${receiptNo}：${items}。质检后另行通知。', params: ['name', 'point', 'receiptNo', 'items'], policy: NOTICE },
  QC_COMPLETED: { text: '交售单${receiptNo}质检完成：${result}。', params: ['receiptNo', 'result'], policy: NOTICE },
  PARCEL_ARRIVED: { text: '您的${carrier}快递已到${point}，取件码${code}，营业时间${hours}。', params: ['carrier', 'point', 'code', 'hours'], policy: NOTICE },
  PARCEL_OVERDUE: { text: '您的${carrier}快递在${point}已放${days}天，取件码${code}，请于${returnDate}前取走，逾期将退回。', params: ['carrier', 'point', 'days', 'code', 'returnDate'], policy: NOTICE },
  // Ledger and sales: templates are ready; those modules register their own event handlers.
  PAYOUT_PAID: { text: '${name}您好，${period}货款${amount}元已通过${method}支付，请查收。', params: ['name', 'period', 'amount', 'method'], policy: NOTICE },
  PAYOUT_FAILED: { text: '${name}您好，${period}货款${amount}元支付未成功（${reason}），请联系服务点。', params: ['name', 'period', 'amount', 'reason'], policy: NOTICE },
  SALES_DIGEST: { text: '${date}您共收入${amount}元：${items}。回复YE查余额。', params: ['date', 'amount', 'items'], policy: NOTICE },
  CONSIGNMENT_PERIOD_ENDING: { text: '您寄售的${items}将于${date}到期，请联系${point}。', params: ['items', 'date', 'point'], policy: NOTICE },
  UNSOLD_RETURN_REQUESTED: { text: '您寄售的${items}已于${date}过寄售期未售出，请到${point}领回。', params: ['items', 'date', 'point'], policy: NOTICE },
  // Codes the farmer must receive to be paid in cash or to change the payout account: treated like login codes.
  PAYOUT_CASH_CODE: { text: '${name}您好，${amount}元货款请到${point}领取现金，领取时向代办员出示验证码${code}，请勿告诉他人。', params: ['name', 'amount', 'point', 'code'], policy: LOGIN },
  PAYOUT_CHANGE_CODE: { text: '您正在修改收款账户，验证码${code}，5分钟内有效。如非本人办理，请勿告诉他人并联系服务点。', params: ['code'], policy: LOGIN },
  PAYOUT_ACCOUNT_CHANGED: { text: '${name}您好，您的收款方式已于${time}改为${account}。如非本人办理，请立即联系服务点。', params: ['name', 'time', 'account'], policy: SECURITY },
  // Replies to incoming SMS commands.
  REPLY_HELP: { text: '回复：余额(YE) 查余额；查询(CX) 查最近交售；快递(KD) 查待取快递；帮助(BZ) 查看本说明。', params: [], policy: ON_REQUEST },
  REPLY_TEXT: { text: '${text}', params: ['text'], policy: ON_REQUEST },
  REPLY_UNKNOWN_NUMBER: { text: '您好，本号码暂未登记，请到村商务服务点办理登记。', params: [], policy: ON_REQUEST },
} as const satisfies Record<string, SmsTemplateDef>;

export type SmsTemplateKey = keyof typeof SMS_TEMPLATES;
export type SmsParams = Record<string, string>;

const PLACEHOLDER = /\$\{(\w+)\}/g;

export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** Boot check: placeholders and declared params match, and providers other than the outbox have a code per template. */
export function validateTemplates(templates: Record<string, SmsTemplateDef>, provider: string, codes: Record<string, string>): void {
  const problems: string[] = [];
  for (const [key, def] of Object.entries(templates)) {
    const used = new Set(placeholdersOf(def.text));
    const declared = new Set(def.params);
    for (const p of used) if (!declared.has(p)) problems.push(`${key}: placeholder \${${p}} has no declared parameter`);
    for (const p of declared) if (!used.has(p)) problems.push(`${key}: parameter ${p} is not used in the text`);
    if (provider !== 'outbox' && !codes[key]) problems.push(`${key}: no template code in SMS_TEMPLATE_CODES for provider ${provider}`);
  }
  if (problems.length) throw new Error(`Invalid SMS templates (短信模板配置错误): ${problems.join(' | ')}`);
}

/** The text the recipient reads (without the sign name); a missing parameter is a programming error. */
export function renderTemplate(def: SmsTemplateDef, params: SmsParams): string {
  for (const p of def.params) {
    if (params[p] === undefined || params[p] === null) throw new Error(`SMS parameter ${p} missing`);
  }
  return def.text.replace(PLACEHOLDER, (_, name: string) => params[name]);
}

/** Positional values for Tencent's TemplateParamSet, in the declared order. */
export const positionalParams = (def: SmsTemplateDef, params: SmsParams): string[] => def.params.map((p) => params[p]);
