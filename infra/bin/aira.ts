/**
 * The CDK app: one stack with everything Aira runs on. Environment-agnostic (no account or
 * region lookups), so `cdk synth` works without AWS credentials; `cdk deploy` takes the account
 * and region of the credentials it runs with. Settings come from context: see lib/settings.ts.
 * Every synth runs cdk-nag's AWS Solutions checks (lib/checks.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Tags } from 'aws-cdk-lib';
import { AiraStack } from '../lib/aira-stack';
import { addSecurityChecks } from '../lib/checks';
import { readSettings } from '../lib/settings';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = new App();
const stackName = String(app.node.tryGetContext('aira:stackName') ?? 'Aira');

const stack = new AiraStack(app, stackName, {
  description: 'Aira: personalized AI chat on queue-backed worker fleets',
  settings: readSettings(app.node),
  repoRoot,
  webDistDir: join(repoRoot, 'web', 'dist'),
});
Tags.of(stack).add('app', 'aira');
addSecurityChecks(app);

app.synth();
