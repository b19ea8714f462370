// Following a log directory while writers append to it (real files in a temporary folder).
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventFileTail } from '../../../src/tensorboard/eventFile';
import { compareEventFiles, parseEventFileName } from '../../../src/tensorboard/eventFiles';
import { assignLanes, LogdirReader } from '../../../src/tensorboard/logdir';
import { HEADER_BYTES } from '../../../src/tensorboard/tfrecord';
import { concat, fileVersion, scalarEvent } from './helpers';

describe('tensorboard: live log directories', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'radam-tb-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const loss = (r: LogdirReader, key = '.') => r.run(key)?.series.scalars.get('loss');

  it('event file names: writer start time and host.pid; sorted by time, then name', () => {
    assert.deepEqual(parseEventFileName('events.out.tfevents.1700000000.my.host.name.1234.0'), { time: 1700000000, writer: 'my.host.name.1234' });
    assert.deepEqual(parseEventFileName('events.out.tfevents.1700000000.vm.99.3.v2'), { time: 1700000000, writer: 'vm.99' });
    const names = ['events.out.tfevents.1700000100.a.1.0', 'events.out.tfevents.1700000000.b.2.0', 'events.out.tfevents.1700000000.a.3.0'];
    assert.deepEqual([...names].sort(compareEventFiles), [names[2], names[1], names[0]]);
  });

  it('lanes: a file that starts after a lane’s last event continues it; an overlapping one starts another', () => {
    assert.deepEqual(assignLanes([[0, 10], [11, 20]]), [0, 0]); // restart
    assert.deepEqual(assignLanes([[0, 10], [1, 11]]), [0, 1]); // two ranks
    assert.deepEqual(assignLanes([[0, 10], [1, 11], [12, 15], [12.5, 14]]), [0, 1, 0, 1]); // both restart
  });

  it('a growing file: a partial record waits, new records appear on the next poll', async () => {
    const f = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    const first = concat([fileVersion(), scalarEvent('loss', 1, 0.5)]);
    const second = scalarEvent('loss', 2, 0.25);
    writeFileSync(f, concat([first, second.subarray(0, 9)]));
    const r = new LogdirReader(dir);
    let rep = await r.poll();
    assert.deepEqual(rep.added, ['.']);
    assert.deepEqual(loss(r)!.values, [0.5]);
    rep = await r.poll();
    assert.deepEqual(rep.changed, []); // nothing new
    appendFileSync(f, second.subarray(9));
    appendFileSync(f, scalarEvent('loss', 3, 0.125));
    rep = await r.poll();
    assert.deepEqual(rep.changed, ['.']);
    assert.deepEqual(loss(r)!.steps, [1, 2, 3]);
    assert.deepEqual(loss(r)!.values, [0.5, 0.25, 0.125]);
  });

  it('a bad data CRC is skipped and counted; the file goes on', async () => {
    const f = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    writeFileSync(f, concat([fileVersion(), scalarEvent('loss', 1, 1)]));
    const r = new LogdirReader(dir);
    await r.poll();
    const bad = scalarEvent('loss', 2, 2);
    bad[HEADER_BYTES + 1] ^= 0x10;
    appendFileSync(f, concat([bad, scalarEvent('loss', 3, 3)]));
    const rep = await r.poll();
    assert.deepEqual(rep.errors, []);
    assert.deepEqual(loss(r)!.steps, [1, 3]);
    assert.equal(r.run('.')!.stats.badDataCrc, 1);
  });

  it('a bad length CRC stops that file with one clear message; other files and runs go on', async () => {
    const f = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    mkdirSync(path.join(dir, 'other'));
    const g = path.join(dir, 'other', 'events.out.tfevents.1000.host.2.0');
    writeFileSync(f, concat([fileVersion(), scalarEvent('loss', 1, 1)]));
    writeFileSync(g, concat([fileVersion(), scalarEvent('loss', 1, 7)]));
    const r = new LogdirReader(dir);
    await r.poll();
    const broken = scalarEvent('loss', 2, 2);
    broken[8] ^= 0x01;
    appendFileSync(f, concat([broken, scalarEvent('loss', 3, 3)]));
    appendFileSync(g, scalarEvent('loss', 2, 8));
    let rep = await r.poll();
    assert.equal(rep.errors.length, 1);
    assert.match(rep.errors[0], /events\.out\.tfevents\.1000\.host\.1\.0: the length of the record at byte \d+ fails its CRC/);
    assert.deepEqual(loss(r)!.steps, [1]);
    assert.deepEqual(loss(r, 'other')!.values, [7, 8]);
    appendFileSync(f, scalarEvent('loss', 4, 4));
    rep = await r.poll();
    assert.deepEqual(rep.errors, []); // reported once
    assert.deepEqual(loss(r)!.steps, [1]);
    assert.equal(r.run('.')!.errors.length, 1);
  });

  it('a restarted writer: a new file in the same folder continues the run and wins from its first step', async () => {
    const a = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    writeFileSync(a, concat([fileVersion(1000), scalarEvent('loss', 10, 10, 1010), scalarEvent('loss', 20, 20, 1020), scalarEvent('loss', 30, 30, 1030)]));
    const r = new LogdirReader(dir);
    await r.poll();
    const b = path.join(dir, 'events.out.tfevents.1100.host.2.0');
    writeFileSync(b, concat([fileVersion(1100), scalarEvent('loss', 20, -20, 1101), scalarEvent('loss', 40, -40, 1102)]));
    const rep = await r.poll();
    assert.deepEqual(rep.changed, ['.']);
    assert.deepEqual(rep.added, []);
    assert.deepEqual(loss(r)!.steps, [10, 20, 40]);
    assert.deepEqual(loss(r)!.values, [10, -20, -40]);
    assert.equal(r.runs().length, 1);
    assert.equal(r.run('.')!.series.resets, 1);
    assert.equal(r.rebuilds, 0);
  });

  it('two writers that looked sequential until one flushed are split into two runs (rebuild)', async () => {
    const a = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    const b = path.join(dir, 'events.out.tfevents.1000.host.2.0');
    writeFileSync(a, fileVersion(1000));
    writeFileSync(b, concat([fileVersion(1000.5), scalarEvent('loss', 0, 100, 1001)]));
    const r = new LogdirReader(dir);
    await r.poll();
    assert.equal(r.runs().length, 1); // a's span is [1000, 1000]: b looks like its restart
    appendFileSync(a, concat([scalarEvent('loss', 0, 0, 1001), scalarEvent('loss', 1, 1, 1002)]));
    appendFileSync(b, scalarEvent('loss', 1, 101, 1002));
    const rep = await r.poll();
    assert.equal(r.rebuilds, 1);
    assert.deepEqual(rep.replaced, ['.']);
    assert.deepEqual(rep.added, ['.#1']);
    assert.deepEqual(loss(r)!.values, [0, 1]);
    assert.deepEqual(loss(r, '.#1')!.values, [100, 101]);
    assert.equal(r.run('.#1')!.writer, 'host.2');
  });

  it('a deleted event file keeps what was read from it, and the folder is not read again', async () => {
    const a = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    const b = path.join(dir, 'events.out.tfevents.1100.host.2.0');
    writeFileSync(a, concat([fileVersion(1000), scalarEvent('loss', 1, 1, 1001)]));
    writeFileSync(b, concat([fileVersion(1100), scalarEvent('loss', 2, 2, 1101)]));
    const r = new LogdirReader(dir);
    await r.poll();
    rmSync(a);
    appendFileSync(b, scalarEvent('loss', 3, 3, 1102));
    const rep = await r.poll();
    assert.equal(r.rebuilds, 0);
    assert.deepEqual(rep.replaced, []);
    assert.deepEqual(loss(r)!.steps, [1, 2, 3]);
  });

  it('runs appear as their folders are created; a log directory that does not exist yet is empty', async () => {
    const root = path.join(dir, 'lightning_logs');
    const r = new LogdirReader(root);
    assert.deepEqual((await r.poll()).added, []);
    mkdirSync(path.join(root, 'version_0'), { recursive: true });
    writeFileSync(path.join(root, 'version_0', 'events.out.tfevents.1000.h.1.0'), concat([fileVersion(), scalarEvent('loss', 1, 1)]));
    assert.deepEqual((await r.poll()).added, ['version_0']);
    mkdirSync(path.join(root, 'version_1'));
    writeFileSync(path.join(root, 'version_1', 'events.out.tfevents.1001.h.1.0'), fileVersion());
    assert.deepEqual((await r.poll()).added, ['version_1']);
    assert.equal(r.run('version_0')!.label, 'lightning_logs/version_0');
  });

  it('a file that shrinks is no longer followed, with a message', async () => {
    const f = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    writeFileSync(f, concat([fileVersion(), scalarEvent('loss', 1, 1), scalarEvent('loss', 2, 2)]));
    const r = new LogdirReader(dir);
    await r.poll();
    truncateSync(f, 10);
    const rep = await r.poll();
    assert.equal(rep.errors.length, 1);
    assert.match(rep.errors[0], /shrank/);
    assert.deepEqual(loss(r)!.steps, [1, 2]); // what was read stays
  });

  it('parsing a large file yields to the event loop between slices (the extension host stays responsive)', async () => {
    const f = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    const parts = [fileVersion()];
    for (let s = 1; s <= 30_000; s++) parts.push(scalarEvent('loss', s, s));
    writeFileSync(f, concat(parts));
    // The whole file in one read: turns of the event loop between the first and the last sample can
    // only come from the parser yielding between its slices.
    const tail = new EventFileTail(f, { chunkBytes: 64 * 1024 * 1024, sliceMs: 1 });
    let turns = 0;
    let stop = false;
    const spin = () => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    let first = -1;
    let last = -1;
    let samples = 0;
    await tail.poll(() => {
      if (first < 0) first = turns;
      last = turns;
      samples++;
    });
    stop = true;
    assert.equal(samples, 30_000);
    assert.ok(last - first >= 5, `${last - first} event-loop turns while parsing`);
  });

  it('a file larger than one poll’s byte budget is read over several polls, with `behind` set', async () => {
    const f = path.join(dir, 'events.out.tfevents.1000.host.1.0');
    const parts = [fileVersion()];
    for (let s = 1; s <= 200; s++) parts.push(scalarEvent('loss', s, s));
    writeFileSync(f, concat(parts));
    const r = new LogdirReader(dir, { chunkBytes: 256, maxBytesPerPoll: 2048 });
    let polls = 0;
    let rep;
    do {
      rep = await r.poll();
      polls++;
    } while (rep.behind && polls < 100);
    assert.ok(polls > 2);
    assert.equal(loss(r)!.length, 200);
    assert.deepEqual(
      loss(r)!.values,
      loss(r)!.steps,
    );
  });
});
