// Runs the GraphQL-over-HTTP audit suite of the `graphql-http` package against a running
// aidgraph and fails if any MUST or SHOULD audit is not ok (MAY audits are reported only).
//   node tests/http/audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2] || 'http://127.0.0.1:8080/graphql';
const results = await auditServer({ url });
let failed = 0;
for (const r of results) {
  const required = r.name.startsWith('MUST') || r.name.startsWith('SHOULD');
  if (r.status !== 'ok') {
    if (required) failed++;
    console.log(`${required ? 'FAIL' : 'note'} ${r.id} ${r.name}\n     ${r.reason}`);
  }
}
const ok = results.filter((r) => r.status === 'ok').length;
console.log(`graphql-http audit: ${ok}/${results.length} ok, ${failed} MUST/SHOULD failures`);
process.exit(failed ? 1 : 0);
