// The test page's entry: registers the test functions the JUnit side calls through js/driver.mjs.
import { rawTests } from './raw.js';
import { rpcTests } from './rpc.js';
import { propTests } from './props.js';
import { benchTests } from './bench.js';

declare global {
  interface Window {
    hardlight: { tests: Record<string, (arg: any) => Promise<unknown>> };
  }
}

window.hardlight = { tests: { ...rawTests, ...rpcTests, ...propTests, ...benchTests } };
