import request from 'supertest';
import { TEST_PASSWORD } from '../factories/organization.factory';

type Server = Parameters<typeof request>[0];

/** Logs a staff user in and returns the token pair. */
export async function login(http: Server, username: string, password = TEST_PASSWORD) {
  const res = await request(http).post('/api/v1/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string };
}

/** A supertest agent bound to one caller's access token. */
export function as(http: Server, accessToken: string) {
  const auth = { Authorization: `Bearer ${accessToken}` };
  return {
    get: (url: string) => request(http).get(url).set(auth),
    post: (url: string, body?: object | string) => request(http).post(url).set(auth).send(body as object),
    patch: (url: string, body?: object) => request(http).patch(url).set(auth).send(body),
    put: (url: string, body?: object) => request(http).put(url).set(auth).send(body),
    delete: (url: string) => request(http).delete(url).set(auth),
  };
}

export type Caller = ReturnType<typeof as>;

/** Logs in every user of a test org and returns a caller per role. */
export async function callersFor<K extends string>(http: Server, users: Record<K, { username: string }>): Promise<Record<K, Caller>> {
  const entries = await Promise.all(
    (Object.keys(users) as K[]).map(async (k) => [k, as(http, (await login(http, users[k].username)).accessToken)] as const),
  );
  return Object.fromEntries(entries) as Record<K, Caller>;
}

/** The one error body shape every error must have. */
export function expectErrorBody(body: Record<string, unknown>, status: number, code?: string): void {
  expect(body).toEqual(expect.objectContaining({
    statusCode: status,
    code: code ?? expect.any(String),
    message: expect.any(String),
    messageEn: expect.any(String),
    details: expect.any(Array),
  }));
}
