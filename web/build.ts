/**
 * Builds the browser app into web/dist: index.html plus content-hashed app-<hash>.js/.css, so a
 * CDN may cache those forever while index.html stays revalidated. Run with `npm run build:web`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { META_CONTENT_SECURITY_POLICY } from '../shared/web/csp';

const webDir = dirname(fileURLToPath(import.meta.url));
const outdir = join(webDir, 'dist');

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#5b3fd6"/><text x="32" y="44" font-family="sans-serif" font-size="34" font-weight="700" text-anchor="middle" fill="#fff">A</text></svg>\n`;

async function main() {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(webDir, 'src/main.ts') },
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style)
    throw new Error(`esbuild produced no app script or stylesheet: ${outputs.join(', ')}`);

  // Relative URLs only: the same files work from the gateway at / and from any S3/CloudFront origin.
  const html = `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="same-origin">
<title>Aira</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${style}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>Aira needs JavaScript. · Aira를 사용하려면 JavaScript가 필요해요.</noscript>
</body>
</html>
`;
  await writeFile(join(outdir, 'index.html'), html);
  await writeFile(join(outdir, 'favicon.svg'), FAVICON);
  console.log(`web/dist: index.html, ${script}, ${style}`);
}

await main();
