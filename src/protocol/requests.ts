// Requests answered by replies, over a one-way message channel (a webview's postMessage). The asking end
// numbers each request (`requestId`) and gets a Promise; the answering end runs the request and posts one
// reply with the same id: `ok: true` and the result, or `ok: false` and the error, which the asking end
// turns into a rejected Promise to show. Shared by both ends (no Node, no vscode).
import * as v from 'valibot';
import { describeIssues } from './check';

export const RequestIdSchema = v.pipe(v.number(), v.integer(), v.minValue(1));

export const ReplySchema = v.variant('ok', [
  v.strictObject({ type: v.literal('reply'), requestId: RequestIdSchema, ok: v.literal(true), result: v.unknown() }),
  v.strictObject({ type: v.literal('reply'), requestId: RequestIdSchema, ok: v.literal(false), error: v.pipe(v.string(), v.maxLength(10_000)) }),
]);
export type Reply = v.InferOutput<typeof ReplySchema>;

/** Removes a key from each member of a union (plain Omit would merge the union). */
export type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  type: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The asking end. `Req` is the union of request messages (each with `type` and `requestId`), `Out` the
 * result type per request type; `results` holds one schema per request type, so a reply's result is
 * checked like any other message.
 */
export class Requester<Req extends { type: string; requestId: number }, Out extends { [K in Req['type']]: unknown }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly send: (msg: Req) => void,
    private readonly results: { [K in Req['type']]: v.GenericSchema<unknown, Out[K]> },
  ) {}

  /** Sends the request; resolves with its result, rejects with the error the other end replied. */
  request<M extends OmitEach<Req, 'requestId'>>(msg: M): Promise<Out[M['type'] & Req['type']]> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { type: msg.type, resolve: resolve as (r: unknown) => void, reject });
      try {
        this.send({ ...msg, requestId } as unknown as Req);
      } catch (e) {
        this.pending.delete(requestId);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Settles the request a reply answers. False when no request waits for that id (e.g. one from before a reload). */
  settle(reply: Reply): boolean {
    const p = this.pending.get(reply.requestId);
    if (!p) return false;
    this.pending.delete(reply.requestId);
    if (!reply.ok) {
      p.reject(new Error(reply.error));
      return true;
    }
    const checked = v.safeParse(this.results[p.type as Req['type']], reply.result);
    if (checked.success) p.resolve(checked.output);
    else p.reject(new Error(`malformed reply to ${p.type}: ${describeIssues(checked.issues, 'result').join('; ')}`));
    return true;
  }

  /** Requests still waiting for their reply. */
  get waiting(): number {
    return this.pending.size;
  }
}

/**
 * The answering end: runs `handler` and posts its result, or its error, as the reply to `requestId`.
 * Never rejects: a failure is the reply. Returns the reply it posted.
 */
export async function answer<R>(requestId: number, handler: () => Promise<R>, post: (reply: Reply) => unknown): Promise<Reply> {
  let reply: Reply;
  try {
    // null, not undefined: an undefined result would vanish from the message.
    reply = { type: 'reply', requestId, ok: true, result: (await handler()) ?? null };
  } catch (e) {
    reply = { type: 'reply', requestId, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  await post(reply);
  return reply;
}
