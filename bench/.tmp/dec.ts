import { generateProfiles } from '../policy-bench';
import { PlacementPolicy } from '../../lib/policy';
const policy = PlacementPolicy.default();
const profiles = generateProfiles(20000);
let n = 0;
for (let k = 0; k < 10; k++) { const s = process.hrtime.bigint(); for (const p of profiles) { if (policy.decide(p).target) n++; } const sec = Number(process.hrtime.bigint() - s) / 1e9; console.log(Math.round(20000 / sec)); }
