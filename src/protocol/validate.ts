// Tiny structural validators for messages that cross a process or webview boundary. Messages are
// checked on receipt at both ends: anything malformed is rejected (and logged) instead of being trusted.

export type Validator<T> = (value: unknown) => value is T;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/** A validator for `{ type: T, ...fields }` where each field has its own validator. */
export function message<T>(type: string, fields: Record<string, (v: unknown) => boolean> = {}): Validator<T> {
  return (value: unknown): value is T =>
    isObject(value) && value.type === type && Object.entries(fields).every(([k, check]) => check(value[k]));
}

/** Picks the validator by the message's `type`; unknown types are rejected. */
export function oneOf<T extends { type: string }>(validators: Record<T['type'], Validator<T>>): Validator<T> {
  return (value: unknown): value is T => {
    if (!isObject(value) || typeof value.type !== 'string') return false;
    const check = (validators as Record<string, Validator<T> | undefined>)[value.type];
    return check !== undefined && check(value);
  };
}
