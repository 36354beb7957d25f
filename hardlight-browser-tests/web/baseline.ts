// The benchmark's HardLight functions bundled with the baseline runtime (js/build.mjs): registered
// beside the page's own as benchHardLightBaseline and benchCodecBaseline.
import { benchTests } from './bench.js';

window.hardlight.tests.benchHardLightBaseline = benchTests.benchHardLight;
window.hardlight.tests.benchCodecBaseline = benchTests.benchCodec;
