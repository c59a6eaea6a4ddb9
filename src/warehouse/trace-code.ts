import { randomInt } from 'crypto';

/** Digits and capitals without 0/O, 1/I/L: easy to read aloud and to type from a label. */
export const TRACE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const TRACE_CODE_LENGTH = 12;
const PATTERN = new RegExp(`^[${TRACE_ALPHABET}]{${TRACE_CODE_LENGTH}}$`);

/** A lot's trace code: 12 characters from 31 (about 59 bits), from the crypto RNG, so codes cannot be guessed. */
export function newTraceCode(): string {
  let code = '';
  for (let i = 0; i < TRACE_CODE_LENGTH; i++) code += TRACE_ALPHABET[randomInt(TRACE_ALPHABET.length)];
  return code;
}

/** Could this be a trace code at all (after upper-casing)? */
export function isTraceCodeShape(code: string): boolean {
  return PATTERN.test(code);
}
