// The messages between the extension host (runLoader.ts) and the run-loading worker (runLoadWorker.ts).
// One shape per direction; a reply carries the id of its request. Typed arrays in a reply are
// transferred (moved, not copied) to the host.
import type { Overview, OverviewRequest, RangeRequest, RangeResult } from './runRead';

export type LoadRequest = { id: number; kind: 'overview'; req: OverviewRequest } | { id: number; kind: 'range'; req: RangeRequest };

export type LoadReply =
  | { id: number; ok: true; kind: 'overview'; result: Overview }
  | { id: number; ok: true; kind: 'range'; result: RangeResult }
  | { id: number; ok: false; error: string };
