// CLI tests spawn bin/fincelo.js, which runs the compiled dist/: make sure it is current.
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  try {
    execFileSync(process.execPath, ['scripts/ensure-build.js'], { stdio: 'inherit' });
  } catch (err) {
    // In CI a type error anywhere fails the run. Locally, a half-edited file elsewhere in the tree
    // should not stop the test file being worked on: tsc still emitted, so go on with a warning.
    if (process.env.CI) throw err;
    console.error('fincelo: TypeScript reported errors (see above); running the tests anyway (CI would fail).');
  }
}
