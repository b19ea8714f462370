// What the host reports when a trainer process exits (the process itself: test/processes/trainerProcess.test.ts).
import assert from 'node:assert/strict';
import { reportTrainerExit } from '../../../src/host/trainerExit';

describe('trainer exit report', () => {
  it('reportTrainerExit leaves ended runs alone', () => {
    const r = reportTrainerExit({ comparisonId: 'c', runIds: [], runsDir: '/nonexistent/runs' }, 5, 1, null);
    assert.equal(r.reason, 'trainer process 5 exited with code 1');
    assert.deepEqual(r.messages, [{ type: 'comparisonEnded', comparisonId: 'c', ok: false, error: r.reason }]);
  });
});
