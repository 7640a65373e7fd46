import { runPolicyBenchmark } from '../policy-bench';
for (let i = 0; i < 3; i++) { const r = runPolicyBenchmark({ profiles: 20000 }); console.log(Math.round(r.decisionsPerSecond)); }
