// CLI tests spawn bin/fincelo.js, which runs the compiled dist/: make sure it is current.
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  execFileSync(process.execPath, ['scripts/ensure-build.js'], { stdio: 'inherit' });
}
