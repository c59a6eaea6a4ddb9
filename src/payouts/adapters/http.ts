/** The fetch the HTTP adapters use; tests inject one that records requests and answers canned responses. */
export type FetchFn = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

export const defaultFetch: FetchFn = (url, init) => fetch(url, init);

/** An answer we could not rely on: the processor's job throws, Bull retries, and the retry queries first. */
export class PayoutTransportError extends Error {}
