import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll } from 'vitest';
import { AiraStack } from '../lib/aira-stack';
import { readSettings } from '../lib/settings';

const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(infraDir, '..');

// The same feature flags `cdk synth` runs with, so the tests see the deployed template.
export const cdkContext = (
  JSON.parse(readFileSync(join(infraDir, 'cdk.json'), 'utf8')) as { context: object }
).context;

/** A prebuilt image keeps most tests from staging the repository as a Docker build context. */
export const testImage = 'registry.example.com/aira:test';

export interface Synthesized {
  readonly stack: AiraStack;
  readonly template: Template;
  /** Resources of one type, by logical id. */
  resources(type: string): Record<string, { Properties: Record<string, unknown> }>;
  /** Where the cloud assembly (template, asset manifest, staged assets) was written. */
  readonly outdir: string;
  /** Removes the cloud assembly written to a temporary directory. */
  dispose(): void;
}

const noWebBundle = join(infraDir, 'no-such-dist');

export function synth(context: Record<string, unknown> = {}, webDistDir = noWebBundle): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'aira-cdk-test-'));
  const app = new App({ outdir, context: { ...cdkContext, 'aira:image': testImage, ...context } });
  const stack = new AiraStack(app, 'Aira', { settings: readSettings(app.node), repoRoot, webDistDir });
  if (webDistDir === noWebBundle) Annotations.of(stack).acknowledgeWarning('aira:webBundleMissing');
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    outdir,
    resources: (type) =>
      template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Synthesizes once for the test file (it takes seconds) and cleans up after it. */
export function useStack(context: Record<string, unknown> = {}, webDistDir?: string): () => Synthesized {
  let synthesized: Synthesized | undefined;
  beforeAll(() => {
    synthesized = synth(context, webDistDir);
  });
  afterAll(() => synthesized?.dispose());
  return () => {
    if (!synthesized) throw new Error('stack not synthesized yet');
    return synthesized;
  };
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at. */
export function refOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every ingress rule of the load balancer's security group, inline or separate. */
export function albIngress(s: Synthesized): Record<string, unknown>[] {
  const [groupId, group] =
    Object.entries(s.resources('AWS::EC2::SecurityGroup')).find(([, g]) =>
      String(g.Properties.GroupDescription).startsWith('Aira load balancer'),
    ) ?? [];
  return [
    ...((group?.Properties.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? []),
    ...Object.values(s.resources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => r.Properties)
      .filter((r) => refOf(r.GroupId) === groupId),
  ];
}
