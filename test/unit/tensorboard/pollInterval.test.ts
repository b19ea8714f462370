// radam.tensorboard.pollInterval: the manifest's default and range match the source's, and a value a
// writer appends reaches the dashboard within about one interval (1 s by default), without pollNow().
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { POLL_INTERVAL, pollIntervalMs, TensorBoardSource, type RunUpdate } from '../../../src/tensorboard/source';
import { concat, fileVersion, scalarEvent } from './helpers';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { type: string; default: unknown; minimum?: number; maximum?: number }> } };
};

/** Writes a live run, follows it, and resolves with the ms between an append (just after a poll) and its update. */
async function latency(src: TensorBoardSource, change?: () => void): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'radam-tb-poll-'));
  try {
    const f = path.join(dir, 'events.out.tfevents.1000.h.1.0');
    const t = Date.now() / 1000;
    writeFileSync(f, concat([fileVersion(t), scalarEvent('loss', 1, 1, t)]));
    const listed = new Promise<void>((resolve) => src.onRunsChanged(() => resolve()));
    src.setRoots([dir]);
    await listed;
    const [info] = src.list();
    await src.whole(info.id); // the panel asked for the run: from now on it gets live updates
    const arrived = new Promise<number>((resolve) => src.onData((u: RunUpdate) => u.columns.steps.includes(2) && resolve(Date.now())));
    // Wait until the poll that listed the run has ended and scheduled the next one.
    await new Promise((r) => setTimeout(r, 20));
    const start = Date.now();
    appendFileSync(f, concat([scalarEvent('loss', 2, 0.5, t + 0.01)]));
    change?.();
    return (await arrived) - start;
  } finally {
    src.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('tensorboard: poll interval (radam.tensorboard.pollInterval)', function () {
  this.timeout(20_000);

  it('package.json declares it as an integer in ms with the source’s default (1000) and range [250, 60000]', () => {
    const s = manifest.contributes.configuration.properties['radam.tensorboard.pollInterval'];
    assert.ok(s, 'setting declared');
    assert.equal(s.type, 'integer');
    assert.equal(s.default, POLL_INTERVAL.default);
    assert.equal(POLL_INTERVAL.default, 1000);
    assert.equal(s.minimum, POLL_INTERVAL.min);
    assert.equal(s.maximum, POLL_INTERVAL.max);
  });

  it('a setting value is clamped to the range; anything else gives the default', () => {
    assert.equal(pollIntervalMs(500), 500);
    assert.equal(pollIntervalMs(10), 250);
    assert.equal(pollIntervalMs(1e9), 60_000);
    assert.equal(pollIntervalMs(700.4), 700);
    assert.equal(pollIntervalMs(undefined), 1000);
    assert.equal(pollIntervalMs('200'), 1000);
    assert.equal(pollIntervalMs(NaN), 1000);
    assert.equal(new TensorBoardSource().pollInterval, 1000);
  });

  it('by default a value appended just after a poll reaches the dashboard in about 1 s, not 2', async () => {
    const ms = await latency(new TensorBoardSource());
    assert.ok(ms >= 900 && ms < 1800, `arrived after ${ms} ms`);
  });

  it('a shorter interval is used from the next wait; changing it restarts a wait under way', async () => {
    const fast = await latency(new TensorBoardSource({ intervalMs: 250 }));
    assert.ok(fast < 700, `250 ms interval: arrived after ${fast} ms`);
    const src = new TensorBoardSource({ intervalMs: 60_000 });
    const ms = await latency(src, () => src.setPollInterval(250));
    assert.ok(ms < 700, `60 s wait cut to 250 ms: arrived after ${ms} ms`);
    assert.equal(src.pollInterval, 250);
  });
});
