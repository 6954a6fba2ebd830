import type { AddressInfo } from 'node:net';
import { createSqsServer } from 'local-aws-sqs';

/** Starts the SQS-compatible emulator in this process; resolves with its endpoint. */
export async function startSqsEmulator(port = 0, host = '127.0.0.1') {
  const server = await createSqsServer({
    port,
    hostname: host,
    region: 'us-east-1',
    // Tests create and delete queues freely; AWS's 60 s wait before reusing a name is not wanted here.
    emulateQueueCreationLifecycle: false,
  });
  const address = server.address() as AddressInfo;
  const endpoint = `http://${host}:${address.port}`;
  return {
    endpoint,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
