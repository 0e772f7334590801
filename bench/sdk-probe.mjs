// `node --import ./bench/sdk-probe.mjs …`: appends to $FINCELO_SDK_PROBE every channel / LLM SDK
// module the process resolves (bench/startup.ts checks they load only when configured).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
const SDK = /node_modules\\/(@slack\\/bolt|@slack\\/web-api|@slack\\/socket-mode|@microsoft\\/agents-[a-z-]+|googleapis|@googleapis\\/[a-z]+|@langchain\\/[a-z-]+)\\//;
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  const m = SDK.exec(r.url);
  if (m && process.env.FINCELO_SDK_PROBE) appendFileSync(process.env.FINCELO_SDK_PROBE, m[1] + '\\n');
  return r;
}`),
);
