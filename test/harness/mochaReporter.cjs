// Mocha reporter for the unit layer: mocha's spec output on the console, and a JSON file with
// the counts and every test for run-all.mjs (mocha runs one reporter at a time).
//   mocha --reporter test/harness/mochaReporter.cjs --reporter-option output=test-results/unit-results.json
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class SpecAndJson extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const output = (options.reporterOption || options.reporterOptions || {}).output || 'test-results/unit-results.json';
    const tests = [];
    const rec = (state) => (t, err) =>
      tests.push({
        title: t.title,
        fullTitle: t.fullTitle(),
        file: t.file ? path.relative(process.cwd(), t.file) : undefined,
        state,
        durationMs: t.duration,
        error: err ? err.stack || err.message || String(err) : undefined,
      });
    runner.on(EVENT_TEST_PASS, rec('passed'));
    runner.on(EVENT_TEST_FAIL, rec('failed'));
    runner.on(EVENT_TEST_PENDING, rec('pending'));
    runner.once(EVENT_RUN_END, () => {
      const s = this.stats;
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(
        output,
        JSON.stringify({ passes: s.passes, failures: s.failures, pending: s.pending, durationMs: s.duration, tests }, null, 2) + '\n',
      );
    });
  }
}

module.exports = SpecAndJson;
