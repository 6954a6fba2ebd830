import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { AiraStack } from '../lib/aira-stack';
import { addSecurityChecks } from '../lib/checks';
import { readSettings } from '../lib/settings';
import { cdkContext, repoRoot } from './synth';

interface Report {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

// A built bundle, so the upload (CDK's BucketDeployment function) is checked too.
const webDist = tempDir('aira-nag-web-');
writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Aira</title>');

/** Synthesizes an app with the checks on, as bin/aira.ts does, and returns what they found. */
function check(build: (app: App) => void): { synthesized: boolean; findings: string[] } {
  const outdir = tempDir('aira-nag-');
  const app = new App({ outdir, context: cdkContext });
  build(app);
  addSecurityChecks(app);
  let synthesized = true;
  try {
    app.synth();
  } catch {
    synthesized = false;
  }
  const reportFile = join(outdir, 'validation-report.json');
  const report: Report = existsSync(reportFile)
    ? JSON.parse(readFileSync(reportFile, 'utf8'))
    : { pluginReports: [] };
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} ${c.constructPath}`),
    ),
  );
  return { synthesized, findings };
}

const aira =
  (context: Record<string, string> = {}) =>
  (app: App) => {
    for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
    // No prebuilt image: the stack builds the Dockerfile, so the image pull's permissions are checked.
    new AiraStack(app, 'Aira', { settings: readSettings(app.node), repoRoot, webDistDir: webDist });
  };

describe('cdk-nag AWS Solutions checks', () => {
  it('find nothing unacknowledged in the stack as deployed without a domain', () => {
    const result = check(aira());
    expect(result.findings).toEqual([]);
    expect(result.synthesized).toBe(true);
  });

  it('do visit every construct of the stack: a careless bucket in it is all they report', () => {
    const result = check((app) => {
      aira()(app);
      new s3.Bucket(app.node.findChild('Aira'), 'Probe', { enforceSSL: false });
    });
    expect(result.synthesized).toBe(false);
    expect(result.findings.sort()).toEqual([
      'error AwsSolutions-S1 Aira/Probe/Resource',
      'error AwsSolutions-S10 Aira/Probe/Resource',
    ]);
  });

  it('find nothing unacknowledged with a certificate and domain', () => {
    const result = check(
      aira({
        'aira:certificateArn': 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        'aira:apiDomainName': 'api.example.com',
      }),
    );
    expect(result.findings).toEqual([]);
    expect(result.synthesized).toBe(true);
  });
});
