// The decision engine on a 20-recipient message, against the reference of merely decoding the same assessments
// from JSON (the least any client must do with a backend answer). A ratio near or above 1 means planning costs
// no more than receiving the data.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { opsPerSecond } = require('./measure');
const dist = join(__dirname, '..', 'dist', 'core');
const { planMessage } = require(join(dist, 'plan'));
const { parseRecipients } = require(join(dist, 'addresses'));
const { parsePolicy } = require(join(dist, 'policy', 'parse'));

const policy = parsePolicy(readFileSync(join(__dirname, '..', 'config', 'policy.yaml'), 'utf8'));
const verdicts = ['authenticated', 'encrypted', 'partial', 'none', 'unknown'];
const addresses = Array.from({ length: 20 }, (_, i) => `person${i}@domain${i % 7}.example`);
const assessments = {
  domains: Array.from({ length: 7 }, (_, i) => ({
    domain: `domain${i}.example`,
    verdict: verdicts[i % 5],
    reasons: ['r'],
  })),
  keys: addresses.map((address, i) => ({
    address,
    verdict: i % 3 === 0 ? 'valid' : 'none',
    reasons: [],
    ...(i % 3 === 0 ? { source: 'wkd', fingerprint: 'A'.repeat(40) } : {}),
  })),
};
const recipients = parseRecipients({ to: addresses });
const wire = JSON.stringify({ recipients, assessments });

const reference = opsPerSecond(() => JSON.parse(wire));
const plans = {};
for (const classification of ['normal', 'confidential', 'restricted']) {
  plans[classification] = opsPerSecond(() =>
    planMessage({ recipients, assessments, classification, policy }),
  );
}
const parse = opsPerSecond(() => parseRecipients({ to: addresses }));

console.log(`reference: JSON.parse of the assessments  ${reference.toFixed(0)} /s`);
for (const [name, rate] of Object.entries(plans)) {
  console.log(
    `plan, 20 recipients, ${name.padEnd(12)} ${rate.toFixed(0)} /s  ratio to reference ${(rate / reference).toFixed(2)}`,
  );
}
console.log(
  `parse 20 addresses                         ${parse.toFixed(0)} /s  ratio to reference ${(parse / reference).toFixed(2)}`,
);
