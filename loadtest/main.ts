import { EXIT, runCli } from './cli/cli.run';

// First Ctrl-C ends the run and still writes the report; a second one quits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

let code: number;
try {
  code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    interrupt: interrupt.signal,
  });
} catch (err) {
  process.stderr.write(`loadtest: ${(err as Error).stack ?? err}\n`);
  code = EXIT.runCutShort;
}
// Keep-alive sockets and queue clients are closed, but a stuck one must not keep the tool alive.
process.exit(code);
